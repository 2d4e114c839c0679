package io.segvid.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a native library that failed to load into one line a user can act on: which system library
 * is missing and which Debian package provides it (from the launcher's list,
 * {@value #LIST}), instead of a JVM stack trace.
 */
public final class NativeLibraryError {

  /** The list of system libraries the natives need, relative to the project folder. */
  public static final String LIST = ".ci/native-libraries.tsv";

  private static final Pattern MISSING = Pattern.compile("([\\w.+-]+\\.so[\\w.]*): cannot open shared object file");

  private NativeLibraryError() { }

  /** Whether {@code e} or anything it wraps is a native library that failed to load. */
  public static boolean isNativeLoadFailure(Throwable e) {
    for (Throwable t : chain(e).keySet()) {
      if (t instanceof UnsatisfiedLinkError) return true;
      if (t instanceof NoClassDefFoundError && String.valueOf(t.getMessage()).contains("org.bytedeco")) return true;
      if (t instanceof ExceptionInInitializerError && String.valueOf(t.getMessage()).contains("UnsatisfiedLinkError")) {
        return true;
      }
    }
    return false;
  }

  /** One line: the missing library and its package when the chain names one, else the loader's message. */
  public static String describe(Throwable e) {
    String library = missingLibrary(e);
    if (library == null) {
      String m = String.valueOf(e.getMessage());
      return "a native library failed to load (" + m.lines().findFirst().orElse(m).strip()
          + "); SEGVID_DEBUG=1 shows the details";
    }
    String pkg = packageOf(library);
    return "the system library " + library + " is missing"
        + (pkg == null ? "" : ": install the Debian package " + pkg + " (sudo apt-get install " + pkg
            + "; ./segvid installs it on first run)");
  }

  /** The first {@code libX.so.N} that the loader could not open, anywhere in the chain, or null. */
  static String missingLibrary(Throwable e) {
    for (Throwable t : chain(e).keySet()) {
      Matcher m = MISSING.matcher(String.valueOf(t.getMessage()));
      // JavaCPP's own message names the JNI wrapper; the library that wrapper lacks is deeper down.
      String last = null;
      while (m.find()) last = m.group(1);
      if (last != null && !last.startsWith("libjni")) return last;
    }
    return null;
  }

  /** The Debian package of {@code soname} in the launcher's list, or null. */
  static String packageOf(String soname) {
    String home = System.getProperty("segvid.home", ".");
    Path list = Path.of(home).resolve(LIST);
    try {
      for (String line : Files.readAllLines(list)) {
        String[] f = line.split("\t");
        if (f.length >= 2 && f[0].equals(soname)) return f[1];
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  /** The throwable, its causes and suppressed ones, without repeats. */
  private static Map<Throwable, Boolean> chain(Throwable e) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>();
    todo.add(e);
    while (!todo.isEmpty()) {
      Throwable t = todo.pop();
      if (seen.put(t, true) != null) continue;
      if (t.getCause() != null) todo.add(t.getCause());
      for (Throwable s : t.getSuppressed()) todo.add(s);
    }
    return seen;
  }
}
