package io.segvid.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code --tta flip} on the shipped model. Averaging a frame's scores with its mirror image's
 * (mirrored back) makes the result mirror-symmetric: the mask of a mirrored frame is exactly the
 * mirrored mask. The plain model does not have that property, which is what shows the average runs.
 */
class FlipAveragingTest {

  private static final Path MODEL = Path.of("../samples/models/camvid");
  private static final int H = 64;
  private static final int W = 96;

  @Test
  void masksOfMirroredFramesAreMirroredMasks() throws Exception {
    byte[][] frames = {TestFrames.blocks(new Random(3), H, W), TestFrames.blocks(new Random(4), H, W), null, null};
    frames[2] = TestFrames.mirrored(frames[0], H, W, 3);
    frames[3] = TestFrames.mirrored(frames[1], H, W, 3);
    try (SavedModelSegmenter flip = SavedModelSegmenter.open(MODEL, ModelOverrides.NONE, 2, TestTimeAugmentation.FLIP);
         SavedModelSegmenter plain = SavedModelSegmenter.open(MODEL, ModelOverrides.NONE, 2)) {
      byte[][] flipped = segment(flip, frames);
      byte[][] once = segment(plain, frames);
      for (int i = 0; i < 2; i++) {
        assertArrayEquals(TestFrames.mirrored(flipped[i], H, W, 1), flipped[i + 2],
            "frame " + i + ": flip-averaged masks are mirror-symmetric");
      }
      boolean plainSymmetric = Arrays.equals(TestFrames.mirrored(once[0], H, W, 1), once[2])
          && Arrays.equals(TestFrames.mirrored(once[1], H, W, 1), once[3]);
      assertFalse(plainSymmetric, "the plain model is not exactly mirror-symmetric, so the check above shows the average");

      byte[][] alone = segment(flip, new byte[][] {frames[1]});
      assertArrayEquals(alone[0], flipped[1], "a frame's mask does not depend on the others in its batch");
      assertEquals(2 * plain.flopsPerFrame(H, W), flip.flopsPerFrame(H, W), "two model runs per frame");
      assertFalse(flip.usesNativeRun());
    }
  }

  @Test
  void badSettingIsOneLine() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TestTimeAugmentation.parse("mirror", "--tta"));
    assertEquals("--tta must be none, flip, scales or flip+scales, got 'mirror'", e.getMessage());
  }

  private static byte[][] segment(Segmenter s, byte[][] frames) {
    byte[][] masks = new byte[frames.length][H * W];
    s.segment(frames, frames.length, H, W, masks);
    return masks;
  }

}
