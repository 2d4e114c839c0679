package io.segvid.capture;

/** Network settings of live sources: transport for RTSP and the read timeout. */
public record LiveOptions(String transport, double timeoutSeconds) {

  public static final LiveOptions DEFAULT = new LiveOptions("tcp", 2.0);

  /** FFmpeg wants the socket timeout in microseconds. */
  String timeoutMicros() {
    return Long.toString((long) (timeoutSeconds * 1_000_000));
  }
}
