package io.segvid.trainer;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.trainer.data.LabelledImage;
import io.segvid.trainer.data.LabelledImageFolder;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Masks as datasets ship them: grey PNGs of ids, palette PNGs (VOC) whose indices are the ids; colours are refused. */
class MaskFormatsTest {

  @TempDir
  Path tmp;

  @Test
  void paletteMasksGiveTheirIndicesNotTheirColours() throws Exception {
    Path data = dataDir();
    // VOC-like palette: index 1 is dark red, 2 dark green, 255 (border) cream.
    byte[] r = new byte[256];
    byte[] g = new byte[256];
    byte[] b = new byte[256];
    r[1] = (byte) 128;
    g[2] = (byte) 128;
    r[255] = (byte) 224;
    g[255] = (byte) 224;
    b[255] = (byte) 192;
    BufferedImage mask = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 256, r, g, b));
    byte[] expected = new byte[40 * 30];
    for (int y = 0; y < 30; y++) {
      for (int x = 0; x < 40; x++) {
        int id = x < 10 ? 0 : x < 20 ? 1 : x < 30 ? 2 : 255;
        mask.getRaster().setSample(x, y, 0, id);
        expected[y * 40 + x] = (byte) id;
      }
    }
    ImageIO.write(mask, "png", data.resolve("masks/p.png").toFile());
    writeImage(data.resolve("images/p.jpg"));
    List<LabelledImage> set = LabelledImageFolder.load(data);
    assertEquals(1, set.size());
    assertArrayEquals(expected, set.get(0).labels());
  }

  @Test
  void colourMasksAreRefusedByName() throws Exception {
    Path data = dataDir();
    try (Mat colour = new Mat(30, 40, opencv_core.CV_8UC3, new Scalar(0, 0, 128, 0))) {
      imwrite(data.resolve("masks/c.png").toString(), colour);
    }
    writeImage(data.resolve("images/c.jpg"));
    IOException e = assertThrows(IOException.class, () -> LabelledImageFolder.load(data));
    assertTrue(e.getMessage().contains("c.png") && e.getMessage().contains("not colours"), e.getMessage());
  }

  private Path dataDir() throws IOException {
    Path data = tmp.resolve("data");
    Files.createDirectories(data.resolve("images"));
    Files.createDirectories(data.resolve("masks"));
    return data;
  }

  private static void writeImage(Path file) {
    try (Mat img = new Mat(30, 40, opencv_core.CV_8UC3, new Scalar(90, 120, 150, 0))) {
      imwrite(file.toString(), img);
    }
  }
}
