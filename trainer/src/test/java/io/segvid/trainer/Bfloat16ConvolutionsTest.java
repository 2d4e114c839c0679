package io.segvid.trainer;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.inference.ConvolutionMath;
import io.segvid.trainer.cli.SegmentImagesCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher runs the model with oneDNN's bfloat16 math mode on CPUs with AMX. Two fresh JVMs (the
 * mode is read once per process) segment the same CamVid frames with the shipped model, one in float32
 * and one with {@code ONEDNN_DEFAULT_FPMATH_MODE=BF16}: the class maps must agree on all but a sliver
 * of pixels (on a CPU without AMX oneDNN ignores the mode and they are identical), and each names its math
 * (float32 with the mode noted where the CPU has no AMX).
 */
class Bfloat16ConvolutionsTest {

  private static final Path MODEL = Path.of("../samples/models/camvid");
  private static final Path IMAGES = Path.of("src/test/resources/camvid-mini/images");
  /** Where the two disagree, at most: 0.03 % of CamVid val's pixels on an AMX Xeon (session 34). */
  private static final double MAX_DIFFERENT_SHARE = 0.002;

  @Test
  void theShippedModelGivesTheSameClassesWithBfloat16Convolutions(@TempDir Path tmp) throws Exception {
    Path exact = tmp.resolve("float32");
    Path bf16 = tmp.resolve("bf16");
    assertEquals("float32", segmentInFreshJvm("STRICT", exact, tmp));
    String bf16Math = segmentInFreshJvm("BF16", bf16, tmp);
    // Without AMX the label says float32 and that the mode was set in vain; either way it names the mode.
    assertTrue(bf16Math.contains("oneDNN fpmath bf16"), bf16Math);
    List<Path> masks;
    try (var files = Files.list(exact)) {
      masks = files.sorted().toList();
    }
    assertEquals(3, masks.size(), "one mask per image");
    for (Path mask : masks) {
      try (Mat a = imread(mask.toString(), IMREAD_UNCHANGED);
           Mat b = imread(bf16.resolve(mask.getFileName()).toString(), IMREAD_UNCHANGED);
           Mat different = new Mat()) {
        opencv_core.compare(a, b, different, opencv_core.CMP_NE);
        double share = opencv_core.countNonZero(different) / (double) a.total();
        assertTrue(share <= MAX_DIFFERENT_SHARE, mask.getFileName() + ": " + share * 100 + " % of pixels differ");
      }
    }
  }

  /** Runs segment-images in a JVM with the math mode given; returns the math it reports. */
  private static String segmentInFreshJvm(String mode, Path out, Path tmp) throws Exception {
    Path log = tmp.resolve(mode + ".log");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Probe.class.getName(),
        "--model", MODEL.toString(), "--input", IMAGES.toString(), "--output", out.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("ONEDNN_DEFAULT_FPMATH_MODE", mode);
    Process p = pb.start();
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "segment-images in a fresh JVM did not finish");
    String printed = Files.readString(log);
    assertEquals(0, p.exitValue(), () -> "segment-images failed: " + printed);
    return printed.lines().filter(l -> l.startsWith("math: ")).map(l -> l.substring(6)).findFirst().orElse("(none)");
  }

  /** segment-images with its arguments, then the math this process used. */
  public static final class Probe {
    public static void main(String[] args) {
      int code = Cli.run(new SegmentImagesCommand(), args).code();
      System.out.println("math: " + ConvolutionMath.ofThisProcess());
      System.exit(code);
    }
  }
}
