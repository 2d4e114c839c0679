package io.segvid.output;

import java.nio.charset.StandardCharsets;

/**
 * The header of one part of an MJPEG stream ({@code multipart/x-mixed-replace}), written into one
 * buffer a viewer's connection keeps: only the Content-Length digits change from frame to frame, so
 * no String or array is made per frame. Not thread-safe: one per connection.
 */
final class MultipartHeader {

  private static final byte[] END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  /** Enough digits for any int length. */
  private static final int MAX_DIGITS = 10;

  private final byte[] buffer;
  private final int prefixLength;
  private int length;

  MultipartHeader(String boundary, String contentType) {
    byte[] prefix = ("--" + boundary + "\r\nContent-Type: " + contentType + "\r\nContent-Length: ")
        .getBytes(StandardCharsets.US_ASCII);
    prefixLength = prefix.length;
    buffer = new byte[prefixLength + MAX_DIGITS + END.length];
    System.arraycopy(prefix, 0, buffer, 0, prefixLength);
  }

  /** Sets the header for a part of {@code contentLength} bytes; then write {@link #bytes()} up to {@link #length()}. */
  MultipartHeader forLength(int contentLength) {
    if (contentLength < 0) throw new IllegalArgumentException("negative content length " + contentLength);
    int digits = 1;
    for (int v = contentLength / 10; v > 0; v /= 10) digits++;
    int at = prefixLength + digits;
    int v = contentLength;
    do {
      buffer[--at] = (byte) ('0' + v % 10);
      v /= 10;
    } while (v > 0);
    System.arraycopy(END, 0, buffer, prefixLength + digits, END.length);
    length = prefixLength + digits + END.length;
    return this;
  }

  byte[] bytes() {
    return buffer;
  }

  int length() {
    return length;
  }
}
