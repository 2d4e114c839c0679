package io.segvid.capture;

import java.nio.charset.StandardCharsets;
import org.bytedeco.ffmpeg.global.avutil;

/** FFmpeg's own words for an error code (av_strerror). */
public final class FfmpegError {

  private FfmpegError() { }

  public static String message(int code) {
    byte[] buf = new byte[256];
    avutil.av_strerror(code, buf, buf.length);
    int n = 0;
    while (n < buf.length && buf[n] != 0) n++;
    return new String(buf, 0, n, StandardCharsets.UTF_8);
  }
}
