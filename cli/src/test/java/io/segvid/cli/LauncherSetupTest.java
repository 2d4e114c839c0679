package io.segvid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's set-up checks ({@code .ci/setup-common.sh}, sourced by {@code segvid} and {@code .ci/test-deps}),
 * run by bash against the JDK running this test: the version it reads is this JVM's, this JDK passes as
 * one that can build segvid, the JVM options chosen for its version start it without complaint, a
 * system library is asked for by its soname only where the dynamic loader lacks it, and a package is
 * installed under the name apt offers for it.
 */
class LauncherSetupTest {

  private static final Path SETUP_COMMON = Path.of("../.ci/setup-common.sh").toAbsolutePath().normalize();
  private static final Path NATIVE_LIBRARIES = SETUP_COMMON.resolveSibling("native-libraries.tsv");
  private static final String THIS_JDK = System.getProperty("java.home");

  @Test
  void readsTheFeatureVersionOfEveryVersionStringStyle() throws Exception {
    Map<String, String> expected = Map.of("1.8.0_392", "8", "11.0.2+9", "11", "17.0.15", "17", "21-ea", "21",
        "25", "25", "", "0", "not a version", "0");
    for (var e : expected.entrySet()) {
      assertEquals(e.getValue(), bash("feature_version \"$1\"", e.getKey()).output, "version string '" + e.getKey() + "'");
    }
  }

  @Test
  void theJavaItFindsIsJavaHomesWithThisJvmsVersion() throws Exception {
    assertEquals(Path.of(THIS_JDK, "bin", "java").toString(), bash("segvid_java").output);
    assertEquals(String.valueOf(Runtime.version().feature()), bash("java_major").output);
  }

  @Test
  void thisJdkCanBuildAndAFolderWithoutJavaCannot() throws Exception {
    assertEquals(0, bash("jdk_ok").exit, "the JDK running the tests at " + THIS_JDK);
    Result none = bash("JAVA_HOME=/nonexistent-jdk PATH=/nonexistent-bin; jdk_ok; echo \"$? $(java_major)\"");
    assertEquals("1 0", none.output, "no java anywhere");
  }

  @Test
  void theQuietOptionsForThisVersionStartThisJvm() throws Exception {
    List<String> options = bash("quiet_jvm_options \"$(java_major)\"").output.lines().toList();
    assertEquals(Runtime.version().feature() >= 23 ? 2 : 1, options.size(), "options " + options);
    List<String> cmd = new ArrayList<>(List.of(Path.of(THIS_JDK, "bin", "java").toString()));
    cmd.addAll(options);
    cmd.add("-version");
    assertEquals(0, run(cmd).exit, "java " + options + " -version");
    // Java 17 rejects the Unsafe option (a JVM that will not start); 23+ warns without it.
    assertEquals(List.of("--enable-native-access=ALL-UNNAMED"), bash("quiet_jvm_options 17").output.lines().toList());
    assertEquals(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"),
        bash("quiet_jvm_options 25").output.lines().toList());
  }

  @Test
  void onlyLibrariesTheLoaderCannotFindAreAskedForOncePerPackage(@TempDir Path dir) throws Exception {
    Path list = dir.resolve("libraries.tsv");
    Files.writeString(list, String.join("\n",
        "# soname\tpackage\tneeded by",
        "libc.so.6\tlibc6\tevery native library",
        "libsegvid-absent.so.7\tsegvid-absent7\tone",
        "libsegvid-absent-too.so.7\tsegvid-absent7\tanother",
        "libsegvid-absent.so.3\tsegvid-absent3\tthe last one"));
    assertEquals(List.of("segvid-absent3", "segvid-absent7"),
        bash("missing_library_packages \"$1\"", list.toString()).output.lines().toList());
    // The suite's own machine has every library the natives need (test-deps installed the missing ones).
    assertEquals("", bash("missing_library_packages \"$1\"", NATIVE_LIBRARIES.toString()).output);
  }

  @Test
  void aPackageNameIsInstalledAsItselfOrAsTheProviderNamedAfterIt(@TempDir Path dir) throws Exception {
    // This machine's real apt: a package it has keeps its name; one it has never heard of too (apt-get names it).
    assertEquals("libc6", bash("apt_package_for libc6").output);
    assertEquals("segvid-absent7", bash("apt_package_for segvid-absent7").output);
    // Ubuntu 24.04's apt, as it answers (the renamed libasound2 is provided twice, chromium once).
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path answers = Files.createDirectories(dir.resolve("answers"));
    String none = "%s:\n  Installed: (none)\n  Candidate: (none)\n  Version table:\n";
    Files.writeString(answers.resolve("policy-libasound2"), none.formatted("libasound2"));
    Files.writeString(answers.resolve("showpkg-libasound2"), String.join("\n", "Package: libasound2", "Versions: ", "",
        "Reverse Depends: ", "  libasound2t64,libasound2 1.2.11-1ubuntu0.6", "  gimp,libasound2", "Dependencies: ",
        "Provides: ", "Reverse Provides: ", "liboss4-salsa-asound2 4.2-build2020-1ubuntu3.1 (= )",
        "libasound2t64 1.2.11-1ubuntu0.6 (= 1.2.11-1ubuntu0.6)", "liboss4-salsa-asound2 4.2-build2020-1ubuntu3 (= )",
        "libasound2t64 1.2.11-1build2 (= 1.2.11-1build2)", ""));
    Files.writeString(answers.resolve("policy-chromium"), none.formatted("chromium"));
    Files.writeString(answers.resolve("showpkg-chromium"), String.join("\n", "Package: chromium", "Versions: ", "",
        "Reverse Depends: ", "  chromium-bsu,chromium 0.9.14", "Dependencies: ", "Provides: ", "Reverse Provides: ",
        "chromium-browser 2:1snap1-0ubuntu2 (= )", ""));
    Files.writeString(answers.resolve("policy-libpulse0"),
        "libpulse0:\n  Installed: (none)\n  Candidate: 1:16.1+dfsg1-2ubuntu10.1\n  Version table:\n");
    Path aptCache = bin.resolve("apt-cache");
    Files.writeString(aptCache, "#!/bin/bash\ncat \"" + answers + "/$1-$2\" 2>/dev/null || true\n");
    aptCache.toFile().setExecutable(true);
    for (var e : Map.of("libasound2", "libasound2t64", "chromium", "chromium-browser", "libpulse0", "libpulse0",
        "segvid-absent7", "segvid-absent7").entrySet()) {
      assertEquals(e.getValue(), bash("PATH=\"$1:$PATH\" apt_package_for \"$2\"", bin.toString(), e.getKey()).output,
          e.getKey());
    }
  }

  @Test
  void bfloat16ConvolutionsOnlyWhereTheCpuHasAmxAndNotForTraining(@TempDir Path dir) throws Exception {
    Path amx = dir.resolve("amx");
    Files.writeString(amx, "processor\t: 0\nflags\t\t: fpu avx512f avx512_bf16 amx_bf16 amx_tile amx_int8\n");
    Path avx512Bf16Only = dir.resolve("zen4");
    Files.writeString(avx512Bf16Only, "processor\t: 0\nflags\t\t: fpu avx512f avx512_bf16 avx512_vnni\n");
    for (String command : List.of("run", "demo", "evaluate", "bench", "worker")) {
      assertEquals("BF16", bash("convolution_math_mode \"$1\" \"$2\"", command, amx.toString()).output, command);
    }
    assertEquals("", bash("convolution_math_mode train \"$1\"", amx.toString()).output, "training stays float32");
    assertEquals("", bash("convolution_math_mode run \"$1\"", avx512Bf16Only.toString()).output, "no AMX");
    assertEquals("", bash("convolution_math_mode run \"$1\"", dir.resolve("absent").toString()).output, "no cpuinfo");
  }

  private record Result(int exit, String output) {}

  /** Sources setup-common.sh, then runs the script with JAVA_HOME set to this JDK; ARGS are $1, .... */
  private static Result bash(String script, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", "-c", ". \"" + SETUP_COMMON + "\"; " + script, "bash"));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  private static Result run(List<String> cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("JAVA_HOME", THIS_JDK);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + cmd);
    }
    return new Result(p.exitValue(), out);
  }
}
