package io.segvid.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MultipartHeaderTest {

  @Test
  void headerCarriesEachLengthInTheSameBuffer() {
    MultipartHeader header = new MultipartHeader("frame", "image/jpeg");
    byte[] buffer = header.bytes();
    // Longer then shorter lengths: stale digits of a longer number must not survive.
    for (int n : new int[] {Integer.MAX_VALUE, 0, 123_456, 9, 10, 99_999, 100_000, 7}) {
      header.forLength(n);
      String text = new String(header.bytes(), 0, header.length(), StandardCharsets.US_ASCII);
      assertEquals("--frame\r\nContent-Type: image/jpeg\r\nContent-Length: " + n + "\r\n\r\n", text);
      assertSame(buffer, header.bytes());
    }
  }

  @Test
  void negativeLengthIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new MultipartHeader("b", "image/jpeg").forLength(-1));
  }
}
