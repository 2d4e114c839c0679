package io.segvid.capture;

import java.nio.charset.StandardCharsets;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.ffmpeg.global.avutil;

/** FFmpeg error codes and FFmpeg's own words for them (av_strerror). */
public final class FfmpegError {

  /**
   * AVERROR(EAGAIN). {@code AVERROR_EAGAIN()} is declared on bytedeco's presets class, so calling it
   * does not load FFmpeg's natives: load them first.
   */
  public static final int EAGAIN = Loader.load(avutil.class) != null ? avutil.AVERROR_EAGAIN() : -11;

  private FfmpegError() { }

  public static String message(int code) {
    byte[] buf = new byte[256];
    avutil.av_strerror(code, buf, buf.length);
    int n = 0;
    while (n < buf.length && buf[n] != 0) n++;
    return new String(buf, 0, n, StandardCharsets.UTF_8);
  }
}
