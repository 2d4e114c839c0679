package io.segvid.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * FFmpeg's avdevice (which links libpulse, libasound and libxcb) is loaded only for device sources:
 * a file decodes without it, a lavfi source loads it. Each case in a fresh JVM, since a library once
 * loaded stays loaded.
 */
class DeviceInputsTest {

  static final Path VIDEO = Path.of("../samples/video/highway-960x540.mp4");

  @Test
  void aFileDecodesWithoutAvdevice() throws Exception {
    String out = probe(VIDEO.toString());
    assertTrue(out.contains("frames 3"), out);
    assertTrue(out.contains("avdevice not loaded"), out);
  }

  @Test
  void aDeviceSourceLoadsAvdevice() throws Exception {
    String out = probe("testsrc2=size=64x48:rate=5", "lavfi");
    // Where avdevice's system libraries are missing the source fails with one line naming the library.
    if (out.contains("error ")) {
      assertTrue(out.contains("is missing"), out);
    } else {
      assertTrue(out.contains("frames 3"), out);
      assertTrue(out.contains("avdevice loaded"), out);
    }
  }

  private static String probe(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), AvdeviceProbe.class.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe did not finish: " + out);
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
