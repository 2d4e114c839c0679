package io.segvid.trainer;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.trainer.data.LabelledImage;
import io.segvid.trainer.data.LabelledImageFolder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Phone photos store their pixels sideways with an EXIF orientation tag. Labelling tools differ in
 * whether they honour it, so a mask may match the photo as shown or as stored; either way the image
 * read for training must line up with it pixel for pixel.
 */
class PhotoOrientationTest {

  private static final int STORED_W = 40;
  private static final int STORED_H = 20;

  @TempDir
  Path tmp;

  /** Shown turned a quarter clockwise (orientation 6): the stored left half, red, is the top. */
  @Test
  void aMaskDrawnOnThePhotoAsShownLinesUpWithItsTurnedPixels() throws Exception {
    assertLinesUpWithMask(STORED_W, STORED_H, true);
  }

  @Test
  void aMaskDrawnOnThePhotoAsStoredLinesUpWithItsStoredPixels() throws Exception {
    assertLinesUpWithMask(STORED_H, STORED_W, false);
  }

  @Test
  void aMaskOfNeitherSizeIsRefusedByName() throws Exception {
    Path data = dataWithSidewaysPhoto();
    writeMask(data, 30, 30, true);
    IOException e = assertThrows(IOException.class, () -> LabelledImageFolder.load(data));
    assertTrue(e.getMessage().contains("photo.png") && e.getMessage().contains("30x30"), e.getMessage());
  }

  private void assertLinesUpWithMask(int rows, int cols, boolean asShown) throws IOException {
    Path data = dataWithSidewaysPhoto();
    writeMask(data, rows, cols, asShown);
    LabelledImage img = LabelledImageFolder.load(data).get(0);
    assertEquals(rows, img.height());
    assertEquals(cols, img.width());
    assertRedWhereClassOne(img);
  }

  private static void assertRedWhereClassOne(LabelledImage img) {
    int checked = 0;
    for (int y = 0; y < img.height(); y++) {
      for (int x = 0; x < img.width(); x++) {
        // JPEG blurs the colour edge: judge pixels away from it.
        int i = y * img.width() + x;
        int red = img.rgb()[3 * i] & 0xff;
        int blue = img.rgb()[3 * i + 2] & 0xff;
        if (Math.abs(red - blue) < 150) continue;
        assertEquals(red > blue ? 1 : 2, img.labels()[i], "class at " + x + "," + y);
        checked++;
      }
    }
    assertTrue(checked > img.height() * img.width() / 2, "only " + checked + " clear pixels");
  }

  /** A JPEG whose stored pixels are red on the left half, blue on the right, tagged orientation 6. */
  private Path dataWithSidewaysPhoto() throws IOException {
    Path data = tmp.resolve("data");
    Files.createDirectories(data.resolve("images"));
    Files.createDirectories(data.resolve("masks"));
    Path plain = tmp.resolve("plain.jpg");
    try (Mat bgr = new Mat(STORED_H, STORED_W, opencv_core.CV_8UC3, new Scalar(255, 0, 0, 0));
        Mat left = bgr.apply(new Rect(0, 0, STORED_W / 2, STORED_H))) {
      left.put(new Scalar(0, 0, 255, 0));
      imwrite(plain.toString(), bgr);
    }
    byte[] jpeg = Files.readAllBytes(plain);
    ByteArrayOutputStream tagged = new ByteArrayOutputStream();
    tagged.write(jpeg, 0, 2); // SOI
    tagged.write(new byte[] {
        (byte) 0xFF, (byte) 0xE1, 0, 34, 'E', 'x', 'i', 'f', 0, 0, // APP1, length 34
        'M', 'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF header, first IFD at 8
        0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, // one entry: Orientation (SHORT) = 6
        0, 0, 0, 0}); // no next IFD
    tagged.write(jpeg, 2, jpeg.length - 2);
    Files.write(data.resolve("images/photo.jpg"), tagged.toByteArray());
    return data;
  }

  /** Class 1 on the red half, 2 on the blue: the top half when {@code asShown}, else the left half. */
  private static void writeMask(Path data, int rows, int cols, boolean asShown) {
    try (Mat mask = new Mat(rows, cols, opencv_core.CV_8UC1, new Scalar(2))) {
      Rect red = asShown ? new Rect(0, 0, cols, rows / 2) : new Rect(0, 0, cols / 2, rows);
      try (Mat part = mask.apply(red)) {
        part.put(new Scalar(1));
      }
      imwrite(data.resolve("masks/photo.png").toString(), mask);
    }
  }
}
