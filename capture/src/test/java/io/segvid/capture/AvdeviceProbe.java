package io.segvid.capture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Decodes a few frames of a file in a fresh JVM and prints which FFmpeg libraries the process mapped,
 * for {@link DeviceInputsTest}. Args: FILE_OR_ADDRESS [FORMAT].
 */
public final class AvdeviceProbe {

  public static void main(String[] args) throws Exception {
    try (FfmpegDecoder d = new FfmpegDecoder()) {
      d.open(args[0], args.length > 1 ? args[1] : null, Map.of(), true, false);
      int frames = 0;
      while (frames < 3 && d.next() != null) frames++;
      System.out.println("frames " + frames);
    } catch (SourceException e) {
      System.out.println("error " + e.getMessage());
    }
    boolean avdevice = Files.readAllLines(Path.of("/proc/self/maps")).stream().anyMatch(l -> l.contains("avdevice"));
    System.out.println("avdevice " + (avdevice ? "loaded" : "not loaded"));
  }
}
