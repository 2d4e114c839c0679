package io.segvid.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A native library that cannot load becomes one line naming the missing system library and its package. */
class NativeLibraryErrorTest {

  /** The chain JavaCPP throws when a JNI wrapper's dependency is missing (as seen on a fresh Debian 12). */
  private static Throwable javacppFailure() {
    UnsatisfiedLinkError outer = new UnsatisfiedLinkError(
        "no jniavdevice in java.library.path: /usr/java/packages/lib:/usr/lib/x86_64-linux-gnu/jni");
    outer.initCause(new UnsatisfiedLinkError("/root/.javacpp/cache/ffmpeg-8.0.1-1.5.13-linux-x86_64.jar/org/bytedeco/"
        + "ffmpeg/linux-x86_64/libjniavdevice.so: libpulse.so.0: cannot open shared object file: No such file or directory"));
    return new ExceptionInInitializerError(outer);
  }

  @Test
  void namesTheMissingLibraryAndItsDebianPackage() {
    System.setProperty("segvid.home", "..");
    Throwable e = javacppFailure();
    assertTrue(NativeLibraryError.isNativeLoadFailure(e));
    String line = NativeLibraryError.describe(e);
    assertEquals(1, line.lines().count(), line);
    assertTrue(line.startsWith("the system library libpulse.so.0 is missing"), line);
    assertTrue(line.contains("install the Debian package libpulse0"), line);
    assertFalse(line.contains("libjniavdevice"), line);
  }

  @Test
  void otherFailuresAreNotTakenForMissingLibraries() {
    assertFalse(NativeLibraryError.isNativeLoadFailure(new java.io.IOException("no such file")));
    String line = NativeLibraryError.describe(new UnsatisfiedLinkError("Can't load library: /x/libfoo.so"));
    assertTrue(line.contains("Can't load library: /x/libfoo.so") && line.contains("SEGVID_DEBUG"), line);
  }
}
