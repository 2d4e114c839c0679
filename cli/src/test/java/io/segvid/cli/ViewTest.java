package io.segvid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two ways to watch: the live window under a real X server (Xvfb), read back by a screenshot,
 * and the browser page in a real headless Chromium, whose video must move while the page stays open
 * and whose metrics must be filled in by the page's script.
 */
class ViewTest {

  static final String TEST_SOURCE = "lavfi:testsrc2=size=640x360:rate=25";

  @TempDir
  Path tmp;

  @Test
  void windowShowsTheSegmentedVideoUnderXvfb() throws Exception {
    Process xvfb = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "1280x720x24", "-nolisten", "tcp")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      String display = ":" + FirstLine.of(xvfb, new BufferedReader(new InputStreamReader(xvfb.getInputStream())), 30, "Xvfb")
          .strip();
      try (SegvidProcess segvid = SegvidProcess.start(tmp.resolve("window.log"), Map.of("DISPLAY", display),
          "--source", TEST_SOURCE, "--sink", "window")) {
        segvid.awaitMoreFrames("frames shown", 15, 60);
        Path shot = tmp.resolve("screen.png");
        Process p = new ProcessBuilder("import", "-display", display, "-window", "root", shot.toString())
            .redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "screenshot failed");
        BufferedImage img = ImageIO.read(shot.toFile());
        // The 640x360 video: many colours (test pattern blended with class colours), not a blank screen.
        int lit = 0;
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
          for (int x = 0; x < img.getWidth(); x += 2) {
            int rgb = img.getRGB(x, y) & 0xffffff;
            if (rgb != 0) lit++;
            colours.add(rgb);
          }
        }
        int sampled = (img.getWidth() / 2) * (img.getHeight() / 2);
        assertTrue(lit > 640 * 360 / 4 / 2, "window content covers the video: " + lit + " of " + sampled + " samples lit");
        assertTrue(colours.size() > 200, "a picture, not a flat fill: " + colours.size() + " colours");
        // The render stage's output, not the camera's: the legend's solid swatches of the class colours
        // (one per class the model sees in the frame, so how many depends on the model; grey is left
        // out, a test pattern may hold it exactly).
        List<String> swatches = new ArrayList<>();
        for (int[] c : CAMVID_COLOURS) {
          if (!(c[0] == c[1] && c[1] == c[2]) && exactPixels(img, c) >= 30) swatches.add(Arrays.toString(c));
        }
        assertTrue(swatches.size() >= 2, "legend swatches of the class colours found: " + swatches);
        assertEquals(143, segvid.terminate(30), segvid.logText());
      }
    } finally {
      xvfb.destroy();
      xvfb.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** The shipped model's class colours (samples/models/camvid/segvid-model.json). */
  static final int[][] CAMVID_COLOURS = {{128, 128, 128}, {128, 0, 0}, {192, 192, 128}, {128, 64, 128}, {60, 40, 222},
      {128, 128, 0}, {192, 128, 128}, {64, 64, 128}, {64, 0, 128}, {64, 64, 0}, {0, 128, 192}};

  static int exactPixels(BufferedImage img, int[] rgb) {
    int want = (rgb[0] << 16) | (rgb[1] << 8) | rgb[2];
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xffffff) == want) n++;
    }
    return n;
  }

  @Test
  void browserPageShowsTheLiveVideoAndMetrics() throws Exception {
    try (SegvidProcess segvid = SegvidProcess.start(tmp.resolve("page.log"), Map.of(), "--source", TEST_SOURCE);
        HeadlessChromium page = openWhenServing(segvid)) {
      String legend = page.awaitText("document.querySelector('aside ul')?.innerText ?? ''", t -> t.contains("road"), 60);
      assertTrue(legend.contains("pedestrian") && legend.contains("road"), "legend of the model's classes: " + legend);
      String shown = page.awaitText("document.getElementById('video')?.naturalWidth ?? 0", t -> t.equals("640"), 60);
      assertEquals("640", shown, "the video's width as the page shows it");
      page.viewport(1100, 500);
      BufferedImage first = page.screenshot();
      segvid.awaitMoreFrames("frames between the two screenshots", 10, 30);
      BufferedImage second = page.screenshot();
      assertTrue(second.getWidth() >= 650 && second.getHeight() >= 390, "screenshot " + second.getWidth() + "x" + second.getHeight());
      // The <img> sits at the top left below the title; compare that region. Same page, no reload:
      // the MJPEG stream itself moves the picture.
      int changed = 0;
      int lit = 0;
      for (int y = 40; y < 390; y += 3) {
        for (int x = 15; x < 650; x += 3) {
          if (first.getRGB(x, y) != second.getRGB(x, y)) changed++;
          if ((second.getRGB(x, y) & 0xffffff) != 0x111111) lit++;
        }
      }
      assertTrue(lit > 10_000, "the video is on the page: " + lit);
      assertTrue(changed > 1_000, "the video updates: " + changed + " pixels changed");

      // The page's own script fills in the live metrics.
      String frames = page.awaitText("document.getElementById('frames').textContent", t -> t.matches("\\d+"), 60);
      assertTrue(frames.matches("\\d+") && Long.parseLong(frames) > 0, "live metrics filled in by the page: " + frames);
      Predicate<String> positive = t -> t.matches("[0-9.]+") && Double.parseDouble(t) > 0;
      String fps = page.awaitText("document.getElementById('fps').textContent", positive, 30);
      assertTrue(positive.test(fps), "fps filled in by the page: " + fps);
      assertEquals(143, segvid.terminate(30));
    }
  }

  private HeadlessChromium openWhenServing(SegvidProcess segvid) throws Exception {
    segvid.awaitMoreFrames("frames served", 15, 60);
    return HeadlessChromium.open("http://127.0.0.1:" + segvid.httpPort + "/", tmp.resolve("profile"));
  }
}
