package io.segvid.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.bytedeco.javacv.Frame;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/**
 * A sink's views of the ring's rendered Mats: made once per Mat and found again (the frame path makes
 * none), each a whole frame over the Mat's own pixels, and made again when a Mat changes shape.
 */
class RenderedViewsTest {

  @Test
  void oneViewPerMatOverItsPixelsRemadeWhenTheShapeChanges() {
    try (RenderedViews views = new RenderedViews(); Mat a = new Mat(36, 64, opencv_core.CV_8UC3);
         Mat b = new Mat(36, 64, opencv_core.CV_8UC3)) {
      Frame fa = views.frame(a);
      assertNotNull(fa.image, "frame without its image");
      assertEquals(64, fa.imageWidth);
      assertEquals(36, fa.imageHeight);
      assertSame(fa, views.frame(a), "the same Mat gets the same view");
      assertSame(views.data(a), views.data(a), "the same pointer too");
      assertEquals(a.data().address(), views.data(a).address(), "over the Mat's own pixels");
      assertNotSame(fa, views.frame(b), "another Mat (another slot) has its own view");

      a.create(48, 64, opencv_core.CV_8UC3);  // a stream of another size reuses the slot
      Frame resized = views.frame(a);
      assertNotSame(fa, resized);
      assertEquals(48, resized.imageHeight);
      assertEquals(a.data().address(), views.data(a).address());
    }
  }
}
