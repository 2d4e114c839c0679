package io.segvid.capture;

import io.segvid.config.NativeLibraryError;
import org.bytedeco.ffmpeg.global.avdevice;

/**
 * FFmpeg's device inputs (v4l2 webcams, lavfi graphs, ...), registered on first use. avdevice is the
 * one FFmpeg library that links against system audio and X libraries (libpulse, libasound, libxcb):
 * loading it only for device sources keeps files and network streams free of them.
 */
final class DeviceInputs {

  private static boolean registered;
  /** The first failure's line: a class whose initialisation failed never says why again. */
  private static String failure;

  private DeviceInputs() { }

  /** Registers the device inputs once; true if this call registered them (so a lookup may now succeed). */
  static synchronized boolean register() throws SourceException {
    if (registered) return false;
    if (failure == null) {
      try {
        avdevice.avdevice_register_all();
      } catch (LinkageError e) {
        failure = "FFmpeg's device inputs (webcam, lavfi) cannot load: " + NativeLibraryError.describe(e);
      }
    }
    if (failure != null) throw new SourceException(failure);
    registered = true;
    return true;
  }
}
