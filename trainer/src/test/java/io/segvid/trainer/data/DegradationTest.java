package io.segvid.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** evaluate --degrade: each kind does what its name says, the same way every run, labels untouched. */
class DegradationTest {

  private static final int H = 64;
  private static final int W = 96;

  @Test
  void specsParseAndBadOnesAreNamed() {
    assertEquals(new Degradation(Degradation.Kind.NOISE, 13.5), Degradation.parse(" noise:13.5"));
    assertEquals("jpeg:12", Degradation.parse("JPEG:12").toString());
    assertEquals("--degrade must be KIND:LEVEL with KIND one of exposure, blur, noise, jpeg, downscale, got 'fog:3'",
        assertThrows(IllegalArgumentException.class, () -> Degradation.parse("fog:3")).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Degradation.parse("noise")).getMessage()
        .startsWith("--degrade noise needs a number: noise:LEVEL"));
    assertEquals("--degrade jpeg takes a level in [1, 100], got 0",
        assertThrows(IllegalArgumentException.class, () -> Degradation.parse("jpeg:0")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> Degradation.parse("downscale:2"));
    assertThrows(IllegalArgumentException.class, () -> Degradation.parse("exposure:NaN"));
  }

  @Test
  void exposureScalesAndClipsAndLeavesTheOriginalAndLabels() {
    LabelledImage image = new LabelledImage("a", 1, 2, new byte[] {100, 20, 0, (byte) 200, (byte) 250, 10}, new byte[] {1, 2});
    LabelledImage dark = Degradation.parse("exposure:0.5").applyTo(image);
    LabelledImage bright = Degradation.parse("exposure:1.6").applyTo(image);
    assertArrayEquals(new int[] {50, 10, 0, 100, 125, 5}, unsigned(dark.rgb()));
    assertArrayEquals(new int[] {160, 32, 0, 255, 255, 16}, unsigned(bright.rgb()));
    assertSame(image.labels(), dark.labels());
    assertEquals(100, image.rgb()[0]);
  }

  @Test
  void noiseHasTheAskedSigmaAndIsTheSameForTheSameImageOnly() {
    LabelledImage grey = flat("0006R0_f01140", 128, 128, 128);
    LabelledImage noisy = Degradation.parse("noise:13.5").applyTo(grey);
    double sum = 0;
    double squares = 0;
    for (byte b : noisy.rgb()) {
      double d = (b & 0xff) - 128;
      sum += d;
      squares += d * d;
    }
    int n = noisy.rgb().length;
    assertEquals(0, sum / n, 0.5, "zero-mean noise");
    assertEquals(13.5, Math.sqrt(squares / n), 0.5, "sigma as asked");
    assertArrayEquals(noisy.rgb(), Degradation.parse("noise:13.5").applyTo(grey).rgb(), "the same every run");
    LabelledImage other = Degradation.parse("noise:13.5").applyTo(flat("0006R0_f01170", 128, 128, 128));
    assertFalse(Arrays.equals(noisy.rgb(), other.rgb()), "another frame gets other noise");
  }

  @Test
  void blurAndDownscaleTakeFineDetailAwayAndKeepTheSize() {
    LabelledImage checks = checkerboard();
    for (String spec : new String[] {"blur:1.5", "downscale:0.5"}) {
      LabelledImage out = Degradation.parse(spec).applyTo(checks);
      assertEquals(checks.rgb().length, out.rgb().length);
      assertTrue(spread(out.rgb()) < 0.5 * spread(checks.rgb()), spec + " must soften a one-pixel checkerboard");
      assertEquals(mean(checks.rgb()), mean(out.rgb()), 3, spec + " keeps the brightness");
    }
    LabelledImage flat = flat("f", 90, 160, 30);
    assertArrayEquals(flat.rgb(), Degradation.parse("downscale:0.5").applyTo(flat).rgb(), "a flat picture stays as it is");
  }

  @Test
  void jpegAtLowQualityChangesPixelsButKeepsColours() {
    LabelledImage red = flat("r", 200, 30, 40);
    LabelledImage checks = checkerboard();
    LabelledImage squeezed = Degradation.parse("jpeg:12").applyTo(checks);
    assertFalse(Arrays.equals(checks.rgb(), squeezed.rgb()));
    int[] px = unsigned(Arrays.copyOf(Degradation.parse("jpeg:12").applyTo(red).rgb(), 3));
    assertTrue(Math.abs(px[0] - 200) < 12 && Math.abs(px[1] - 30) < 12 && Math.abs(px[2] - 40) < 12,
        "red stays red (channel order kept): " + Arrays.toString(px));
  }

  @Test
  void aConditionAppliesItsGainsThenEachDegradationOnce() {
    LabelledImage image = new LabelledImage("a", 1, 1, new byte[] {100, 100, 100}, new byte[] {0});
    PictureCondition warmDark = new PictureCondition("warm-dark", new ChannelGains(1.2f, 1f, 0.5f),
        java.util.List.of(Degradation.parse("exposure:0.5"), Degradation.parse("exposure:1.5")));
    assertArrayEquals(new int[] {90, 75, 38}, unsigned(warmDark.applyTo(image).rgb()));  // 100*1.2=120 -> 60 -> 90
    assertEquals("gains 1.20,1.00,0.50 + exposure:0.5 + exposure:1.5", warmDark.description());
    assertEquals(11, PictureCondition.STANDARD.size());
  }

  private static LabelledImage flat(String name, int r, int g, int b) {
    byte[] rgb = new byte[H * W * 3];
    for (int i = 0; i < rgb.length; i += 3) {
      rgb[i] = (byte) r;
      rgb[i + 1] = (byte) g;
      rgb[i + 2] = (byte) b;
    }
    return new LabelledImage(name, H, W, rgb, new byte[H * W]);
  }

  private static LabelledImage checkerboard() {
    byte[] rgb = new byte[H * W * 3];
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) Arrays.fill(rgb, (y * W + x) * 3, (y * W + x) * 3 + 3, (byte) ((x + y) % 2 == 0 ? 40 : 200));
    }
    return new LabelledImage("c", H, W, rgb, new byte[H * W]);
  }

  private static double mean(byte[] v) {
    double s = 0;
    for (byte b : v) s += b & 0xff;
    return s / v.length;
  }

  private static double spread(byte[] v) {
    double m = mean(v);
    double s = 0;
    for (byte b : v) s += ((b & 0xff) - m) * ((b & 0xff) - m);
    return Math.sqrt(s / v.length);
  }

  private static int[] unsigned(byte[] b) {
    int[] out = new int[b.length];
    for (int i = 0; i < b.length; i++) out[i] = b[i] & 0xff;
    return out;
  }
}
