package io.segvid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every system library that the natives segvid loads from its dependency jars (FFmpeg, OpenCV,
 * OpenBLAS, TensorFlow, JavaCPP) link against is in the launcher's list,
 * {@code .ci/native-libraries.tsv}, with the Debian package that provides it. Checked with ldd on the
 * natives themselves (objdump for what each needs, ldd for where it resolves here), so a library this
 * machine happens to lack is caught as surely as one it has.
 * Which natives segvid loads is read from its own classes: each JavaCPP preset class it refers to
 * ({@code org/bytedeco/P/global/M}) loads {@code libjniM.so}, plus whatever that links within the
 * jars; TensorFlow always loads.
 */
class NativeDependenciesTest {

  static final Path LIST = Path.of("../.ci/native-libraries.tsv");
  private static final Pattern LDD_LINE = Pattern.compile("^\\s*(\\S+) => (not found|(\\S+) \\(0x[0-9a-f]+\\))");
  private static final Pattern SHARED_OBJECT = Pattern.compile(".*/[^/]+\\.so(\\.[\\d.]+)?$");

  @TempDir
  Path tmp;

  @Test
  void everySystemLibraryTheNativesNeedIsInTheLaunchersList() throws Exception {
    List<Path> natives = extractNatives();
    assertTrue(natives.size() > 20, "found only " + natives.size() + " native libraries in the class path");
    Set<String> loaded = jniLibrariesSegvidLoads();
    assertTrue(loaded.containsAll(Set.of("libjniavformat.so", "libjniopencv_core.so", "libjnitensorflow.so")),
        "preset scan found only " + loaded);
    Map<String, String> listed = listed();

    String libraryPath = natives.stream().map(p -> p.getParent().toString()).distinct()
        .reduce((a, b) -> a + ":" + b).orElseThrow();
    Map<String, Path> shipped = new LinkedHashMap<>();
    for (Path so : natives) shipped.putIfAbsent(so.getFileName().toString(), so);
    // Direct dependencies (DT_NEEDED) only: what a system library needs in turn, apt installs with it.
    Map<String, String> needed = new TreeMap<>();  // soname -> where it resolves here ("not found" when nowhere)
    Deque<Path> todo = new ArrayDeque<>();
    for (Path so : natives) if (loaded.contains(so.getFileName().toString())) todo.add(so);
    Set<Path> seen = new HashSet<>();
    while (!todo.isEmpty()) {
      Path so = todo.pop();
      if (!seen.add(so)) continue;
      Map<String, String> resolved = new LinkedHashMap<>();
      for (String line : run(Map.of("LD_LIBRARY_PATH", libraryPath), "ldd", so.toString()).split("\n")) {
        Matcher m = LDD_LINE.matcher(line);
        if (m.find()) resolved.put(m.group(1), m.group(3) == null ? "not found" : m.group(3));
      }
      for (String soname : neededBy(so)) {
        if (shipped.containsKey(soname)) {
          todo.add(shipped.get(soname));  // shipped in a jar itself: follow what it links
        } else {
          needed.putIfAbsent(soname, resolved.getOrDefault(soname, "not found"));
        }
      }
    }
    assertTrue(needed.containsKey("libc.so.6"), "ldd output not understood: " + needed);

    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> e : needed.entrySet()) {
      String pkg = listed.get(e.getKey());
      if (pkg == null) {
        problems.add(e.getKey() + "\t" + packageOf(e.getValue()) + "\t(missing from the list; here: " + e.getValue() + ")");
      } else if (!e.getValue().equals("not found")) {
        String actual = packageOf(e.getValue());
        if (!actual.equals("?") && !actual.equals(pkg) && !provides(actual, pkg)) {
          problems.add(e.getKey() + " is listed as " + pkg + " but " + e.getValue() + " belongs to " + actual);
        }
      }
    }
    assertEquals(List.of(), problems, "add these to " + LIST);
  }

  /** {@code libjniM.so} for every JavaCPP preset class {@code org/bytedeco/P/global/M} segvid's classes use. */
  static Set<String> jniLibrariesSegvidLoads() throws IOException {
    Pattern preset = Pattern.compile("org/bytedeco/\\w+/global/(\\w+)");
    Set<String> out = new TreeSet<>(Set.of("libjnitensorflow.so", "libjnijavacpp.so"));
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path p = Path.of(entry);
      // The project's own modules: class folders in a reactor build, segvid-*.jar otherwise.
      if (Files.isDirectory(p) && entry.contains("target")) {
        try (Stream<Path> files = Files.walk(p)) {
          for (Path c : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
            addPresets(preset, Files.readAllBytes(c), out);
          }
        }
      } else if (p.getFileName().toString().startsWith("segvid-") && entry.endsWith(".jar")) {
        try (JarFile jar = new JarFile(entry)) {
          for (JarEntry je : java.util.Collections.list(jar.entries())) {
            if (!je.getName().endsWith(".class")) continue;
            try (InputStream in = jar.getInputStream(je)) {
              addPresets(preset, in.readAllBytes(), out);
            }
          }
        }
      }
    }
    return out;
  }

  private static void addPresets(Pattern preset, byte[] classFile, Set<String> out) {
    Matcher m = preset.matcher(new String(classFile, StandardCharsets.ISO_8859_1));
    while (m.find()) out.add("libjni" + m.group(1) + ".so");
  }

  /** The DT_NEEDED entries of a shared object (objdump, from binutils). */
  private static List<String> neededBy(Path so) throws Exception {
    List<String> out = new ArrayList<>();
    for (String line : run(Map.of(), "objdump", "-p", so.toString()).split("\n")) {
      String t = line.strip();
      if (t.startsWith("NEEDED")) out.add(t.substring("NEEDED".length()).strip());
    }
    return out;
  }

  /** soname -> Debian package, from the launcher's list. */
  static Map<String, String> listed() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(LIST)) {
      if (line.startsWith("#") || line.isBlank()) continue;
      String[] f = line.split("\t");
      out.put(f[0], f[1]);
    }
    return out;
  }

  /** Unpacks every shared object of the class path's jars into its own folder per jar. */
  private List<Path> extractNatives() throws IOException {
    List<Path> out = new ArrayList<>();
    int n = 0;
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (!entry.endsWith(".jar")) continue;
      Path dir = tmp.resolve("jar" + n++);
      try (JarFile jar = new JarFile(entry)) {
        for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
          JarEntry je = e.nextElement();
          if (je.isDirectory() || !SHARED_OBJECT.matcher("/" + je.getName()).matches()) continue;
          Path target = dir.resolve(Path.of(je.getName()).getFileName().toString());
          Files.createDirectories(dir);
          try (InputStream in = jar.getInputStream(je)) {
            Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          }
          out.add(target);
        }
      }
    }
    return out;
  }

  /** The Debian package owning {@code file}, or "?" where dpkg does not know it. */
  private static String packageOf(String file) throws Exception {
    if (file.equals("not found")) return "?";
    String real = Path.of(file).toRealPath().toString();
    for (String candidate : List.of(real, file, real.replaceFirst("^/usr", ""), "/usr" + real)) {
      String out = run(Map.of(), "dpkg", "-S", candidate).strip();
      if (!out.isEmpty() && !out.contains("no path found")) return out.split(":")[0];
    }
    return "?";
  }

  /**
   * Whether a package provides another's name: the list names Debian 12's packages, and a distribution
   * that renamed one (Debian 13's libasound2t64) provides the old name, which apt installs it for.
   */
  private static boolean provides(String pkg, String name) throws Exception {
    String provides = run(Map.of(), "dpkg-query", "-W", "-f=${Provides}", pkg);
    return Pattern.compile("(^|,\\s*)" + Pattern.quote(name) + "(\\s|,|$)").matcher(provides.strip()).find();
  }

  private static String run(Map<String, String> env, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " did not finish");
    return new String(out, StandardCharsets.UTF_8);
  }
}
