package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.inference.ModelOverrides;
import io.segvid.inference.NativeDilation;
import io.segvid.inference.SavedModelSegmenter;
import io.segvid.trainer.export.ModelExporter;
import io.segvid.trainer.model.ExportedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;

/**
 * Exports carry a second signature whose small-rate dilated depthwise convolutions use the kernel's
 * own dilations. It must give the classes of {@code serving_default}, be what the segmenter runs here
 * (oneDNN), and give way to {@code serving_default} where the kernel rejects dilations
 * ({@code TF_ENABLE_ONEDNN_OPTS=0}), with the same classes.
 */
class NativeDilationTest {

  private static final Path SHIPPED = Path.of("../samples/models/camvid");
  private static final int H = 90;
  private static final int W = 120;
  private static final int FRAMES = 3;
  /** Logits differ in the last bits only (summation order); a near-tie may flip. */
  private static final double MAX_DIFFERENT_SHARE = 0.001;

  @TempDir
  Path tmp;

  @Test
  void theNativeSignatureGivesTheClassesOfThePortableOneAndFallsBackWithoutOneDnn() throws Exception {
    // The shipped model's weights, re-exported (output stride 8: dilations 2 and 4 in the backbone).
    Path model = tmp.resolve("model");
    ExportedModel shipped = ExportedModel.read(SHIPPED);
    ModelExporter.export(shipped.spec(), shipped.weights(), shipped.metadata(), model);
    try (SavedModelBundle bundle = SavedModelBundle.load(model.toString(), "serve")) {
      assertEquals(List.of("serving_default", NativeDilation.SIGNATURE).stream().sorted().toList(),
          bundle.signatures().stream().map(Signature::key).sorted().toList());
    }
    byte[][] frames = frames();
    byte[][] portable = segment(model, "serving_default", frames);
    try (SavedModelSegmenter seg = SavedModelSegmenter.open(model, ModelOverrides.NONE, 2)) {
      assertEquals(NativeDilation.SIGNATURE, seg.metadata().signature(), "oneDNN runs native dilations here");
      assertSameClasses(portable, run(seg, frames), "native dilations");
      long nativeFlops = seg.flopsPerFrame(H, W);
      try (SavedModelSegmenter plain = SavedModelSegmenter.open(model, override("serving_default"), 2)) {
        long portableFlops = plain.flopsPerFrame(H, W);
        // One branch counted, not both: space-to-batch pads a little, so the portable count is the larger.
        assertTrue(nativeFlops < portableFlops && nativeFlops > 0.8 * portableFlops, nativeFlops + " vs " + portableFlops);
      }
    }

    Path frameFile = tmp.resolve("frames.rgb");
    Files.write(frameFile, concat(frames));
    Path out = tmp.resolve("without-onednn.bin");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Probe.class.getName(), model.toString(), frameFile.toString(),
        out.toString()).redirectErrorStream(true).redirectOutput(tmp.resolve("probe.log").toFile());
    pb.environment().put("TF_ENABLE_ONEDNN_OPTS", "0");
    Process p = pb.start();
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the fresh JVM did not finish");
    String log = Files.readString(tmp.resolve("probe.log"));
    assertEquals(0, p.exitValue(), () -> "segmenting without oneDNN failed: " + log);
    assertTrue(log.contains("signature: serving_default"), () -> "without oneDNN the portable signature runs: " + log);
    byte[] masks = Files.readAllBytes(out);
    byte[][] split = new byte[FRAMES][];
    for (int i = 0; i < FRAMES; i++) split[i] = java.util.Arrays.copyOfRange(masks, i * H * W, (i + 1) * H * W);
    assertSameClasses(portable, split, "without oneDNN");
  }

  private static void assertSameClasses(byte[][] expected, byte[][] actual, String what) {
    long different = 0;
    for (int i = 0; i < expected.length; i++) {
      for (int p = 0; p < expected[i].length; p++) if (expected[i][p] != actual[i][p]) different++;
    }
    double share = different / (double) (expected.length * expected[0].length);
    assertTrue(share <= MAX_DIFFERENT_SHARE, what + ": " + share * 100 + " % of pixels differ");
  }

  private static byte[][] segment(Path model, String signature, byte[][] frames) throws Exception {
    try (SavedModelSegmenter seg = SavedModelSegmenter.open(model, override(signature), 2)) {
      assertEquals(signature, seg.metadata().signature(), "a named signature is used as named");
      return run(seg, frames);
    }
  }

  private static byte[][] run(SavedModelSegmenter seg, byte[][] frames) {
    byte[][] masks = new byte[frames.length][H * W];
    seg.segment(frames, frames.length, H, W, masks);
    return masks;
  }

  private static ModelOverrides override(String signature) {
    return new ModelOverrides(signature, null, null, null, null, null, null, null);
  }

  /** Smooth random pictures (blocks of colour), so the classes are not all one. */
  private static byte[][] frames() {
    Random r = new Random(17);
    byte[][] frames = new byte[FRAMES][H * W * 3];
    for (byte[] f : frames) {
      int[][] palette = new int[16][3];
      for (int[] c : palette) for (int k = 0; k < 3; k++) c[k] = r.nextInt(256);
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          int[] c = palette[(y / 23) * 4 + x / 30];
          for (int k = 0; k < 3; k++) f[(y * W + x) * 3 + k] = (byte) Math.max(0, Math.min(255, c[k] + r.nextInt(21) - 10));
        }
      }
    }
    return frames;
  }

  private static byte[] concat(byte[][] parts) {
    byte[] all = new byte[parts.length * parts[0].length];
    for (int i = 0; i < parts.length; i++) System.arraycopy(parts[i], 0, all, i * parts[0].length, parts[0].length);
    return all;
  }

  /** Segments the frames in this process (started without oneDNN); prints the signature it ran. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      byte[] all = Files.readAllBytes(Path.of(args[1]));
      byte[][] frames = new byte[FRAMES][];
      for (int i = 0; i < FRAMES; i++) frames[i] = java.util.Arrays.copyOfRange(all, i * H * W * 3, (i + 1) * H * W * 3);
      try (SavedModelSegmenter seg = SavedModelSegmenter.open(Path.of(args[0]), ModelOverrides.NONE, 2)) {
        System.out.println("signature: " + seg.metadata().signature());
        Files.write(Path.of(args[2]), concat(run(seg, frames)));
      }
    }
  }
}
