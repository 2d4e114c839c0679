package io.segvid.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.inference.ClassInfo;
import io.segvid.render.HudPainter;
import io.segvid.render.LegendPainter;
import io.segvid.render.MaskSmoother;
import io.segvid.render.Overlay;
import io.segvid.render.Palette;
import java.util.List;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/** Render stage pieces on in-memory frames: colours, blending, nearest-neighbour scaling, smoothing. */
class RenderTest {

  private static final List<ClassInfo> CLASSES = List.of(
      new ClassInfo(0, "road", List.of(200, 0, 0)), new ClassInfo(1, "car", List.of(0, 0, 250)));

  @Test
  void overlayBlendsPaletteColoursScaledWithNearestNeighbour() {
    try (Palette palette = new Palette(CLASSES); Overlay overlay = new Overlay(palette, 0.5);
         Mat frame = new Mat(4, 6, opencv_core.CV_8UC3, new Scalar(100, 100, 100, 0)); Mat out = new Mat()) {
      // 2x3 mask: left column class 1, the rest class 0; scaled x2 to the 4x6 frame.
      byte[] ids = {1, 0, 0, 1, 0, 0};
      overlay.render(frame, ids, 2, 3, out);
      UByteIndexer px = out.createIndexer();
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 6; x++) {
          boolean car = x < 2;
          // BGR: car (r=0,g=0,b=250) → (175, 50, 50); road (r=200) → (50, 50, 150)
          int[] expected = car ? new int[] {175, 50, 50} : new int[] {50, 50, 150};
          assertArrayEquals(expected, new int[] {px.get(y, x, 0), px.get(y, x, 1), px.get(y, x, 2)}, "pixel " + y + "," + x);
        }
      }
      px.close();
    }
  }

  @Test
  void unknownIdsAreBlack() {
    try (Palette palette = new Palette(CLASSES)) {
      assertArrayEquals(new int[] {0, 0, 0}, palette.bgr(7));
      assertArrayEquals(new int[] {250, 0, 0}, palette.bgr(1));
    }
  }

  @Test
  void smootherRemovesOneFrameFlickerButFollowsRealChanges() {
    MaskSmoother s = new MaskSmoother();
    byte[][] sequence = {{1}, {1}, {2}, {1}, {2}, {2}, {2}};
    byte[] expected = {1, 1, 1, 1, 2, 2, 2};  // majority of the last three raw predictions
    for (int i = 0; i < sequence.length; i++) {
      byte[] m = sequence[i].clone();
      s.apply(m, 1);
      assertEquals(expected[i], m[0], "frame " + i);
    }
  }

  @Test
  void hudShowsFpsAndLatencyOfTheLastHalfSecond() {
    try (HudPainter hud = new HudPainter(); Mat frame = new Mat(540, 960, opencv_core.CV_8UC3, new Scalar(90, 90, 90, 0))) {
      long t = 1_000_000_000L;
      for (int i = 0; i < 25; i++) hud.frame(t + i * 20_000_000L, 85_400_000L);  // 50 fps, 85.4 ms
      assertEquals("", hud.text(), "nothing before half a second has passed");
      hud.paint(frame);
      assertEquals(90, frame.ptr(5, 5).get() & 0xff, "nothing painted yet");
      hud.frame(t + 520_000_000L, 105_400_000L);
      assertEquals("50.0 fps  latency 86 ms", hud.text());
      hud.paint(frame);
      assertEquals(0, frame.ptr(5, 5).get() & 0xff, "shaded box");
      Mat white = new Mat();
      opencv_core.inRange(frame, new Mat(1, 1, opencv_core.CV_8UC3, new Scalar(200, 200, 200, 0)),
          new Mat(1, 1, opencv_core.CV_8UC3, new Scalar(255, 255, 255, 0)), white);
      assertTrue(opencv_core.countNonZero(white) > 50, "white text");
      for (int i = 1; i <= 10; i++) hud.frame(t + 520_000_000L + i * 100_000_000L, 1_007_000_000L);  // 10 fps
      assertEquals("10.0 fps  latency 1007 ms", hud.text());
    }
  }

  @Test
  void legendListsOnlyClassesPresent() {
    try (LegendPainter legend = new LegendPainter(CLASSES)) {
      legend.scan(new byte[] {1, 1, 1}, 3);
      assertTrue(legend.isPresent(1));
      assertFalse(legend.isPresent(0));
    }
  }

  @Test
  void legendAndHudAreSizedToTheFrameAndKeepApart() {
    int[][] sizes = {{480, 270}, {540, 960}, {1080, 1920}};  // rows, cols: a phone held upright, the sample, 1080p
    int[] swatch = new int[sizes.length];
    int[] hudShade = new int[sizes.length];
    try (LegendPainter legend = new LegendPainter(CLASSES); HudPainter hud = new HudPainter()) {
      legend.scan(new byte[] {0, 1}, 2);
      hud.frame(1_000_000_000L, 40_000_000L);
      hud.frame(1_600_000_000L, 40_000_000L);
      for (int i = 0; i < sizes.length; i++) {
        try (Mat frame = new Mat(sizes[i][0], sizes[i][1], opencv_core.CV_8UC3, new Scalar(90, 90, 90, 0))) {
          legend.paint(frame, true);
          hud.paint(frame);
          swatch[i] = pixelsOf(frame, 250, 0, 0);  // the car class's swatch (BGR)
          assertEquals(swatch[i], pixelsOf(frame, 0, 0, 200), "the road swatch, first row, is not under the HUD");
          hudShade[i] = blackPixelsLeftOf(frame, frame.cols() / 2);
          assertTrue(pixelsOf(frame, 90, 90, 90) > frame.rows() * frame.cols() * 8 / 10,
              "legend and HUD cover under a fifth of a " + frame.cols() + "x" + frame.rows() + " frame");
        }
      }
    }
    // Shorter sides 270, 540, 1080: scales 0.75 (the smallest that stays legible), 1 and 2.
    String areas = "swatch areas " + java.util.Arrays.toString(swatch) + ", HUD box areas " + java.util.Arrays.toString(hudShade);
    assertTrue(swatch[0] < 0.8 * swatch[1] && hudShade[0] < 0.8 * hudShade[1], "smaller on the small frame: " + areas);
    assertTrue(swatch[2] > 3 * swatch[1] && swatch[2] < 5 * swatch[1], "about 4x on 1080p: " + areas);
    assertTrue(hudShade[2] > 3 * hudShade[1] && hudShade[2] < 5 * hudShade[1], "about 4x on 1080p: " + areas);
  }

  @Test
  void legendOnAShortFrameWrapsIntoColumnsInsteadOfRunningOffTheBottom() {
    int[][] bgr = {{200, 0, 0}, {0, 200, 0}, {0, 0, 200}, {200, 200, 0}, {0, 200, 200}, {200, 0, 200}};
    List<ClassInfo> six = new java.util.ArrayList<>();
    for (int i = 0; i < bgr.length; i++) six.add(new ClassInfo(i, "class" + i, List.of(bgr[i][2], bgr[i][1], bgr[i][0])));
    try (LegendPainter legend = new LegendPainter(six);
        Mat frame = new Mat(50, 640, opencv_core.CV_8UC3, new Scalar(90, 90, 90, 0))) {  // a 50-line strip
      legend.scan(new byte[] {0, 1, 2, 3, 4, 5}, 6);
      legend.paint(frame, false);
      int first = pixelsOf(frame, bgr[0][0], bgr[0][1], bgr[0][2]);
      assertTrue(first > 0, "the first swatch is drawn");
      for (int i = 1; i < bgr.length; i++) {
        assertEquals(first, pixelsOf(frame, bgr[i][0], bgr[i][1], bgr[i][2]), "swatch " + i + " drawn whole");
      }
    }
  }

  /** Pixels of exactly this BGR colour (counted directly: inRange reads a 1x1 three-channel bound as grey). */
  private static int pixelsOf(Mat frame, int b, int g, int r) {
    return pixelsOf(frame, frame.cols(), b, g, r);
  }

  private static int pixelsOf(Mat frame, int cols, int b, int g, int r) {
    int n = 0;
    try (UByteIndexer px = frame.createIndexer()) {
      for (int y = 0; y < frame.rows(); y++) {
        for (int x = 0; x < cols; x++) {
          if (px.get(y, x, 0) == b && px.get(y, x, 1) == g && px.get(y, x, 2) == r) n++;
        }
      }
    }
    return n;
  }

  private static int blackPixelsLeftOf(Mat frame, int cols) {
    return pixelsOf(frame, cols, 0, 0, 0);
  }
}
