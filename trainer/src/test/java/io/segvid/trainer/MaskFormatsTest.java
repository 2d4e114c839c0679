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

/**
 * Masks as datasets and annotation tools ship them: grey PNGs of ids, palette PNGs (VOC) whose indices
 * are the ids, 16-bit ids, and colour masks mapped through classes.csv; anything else is refused by name.
 */
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
  void colourMasksWithoutAClassTableAreRefusedByName() throws Exception {
    Path data = dataDir();
    try (Mat colour = new Mat(30, 40, opencv_core.CV_8UC3, new Scalar(0, 0, 128, 0))) {
      imwrite(data.resolve("masks/c.png").toString(), colour);
    }
    writeImage(data.resolve("images/c.jpg"));
    IOException e = assertThrows(IOException.class, () -> LabelledImageFolder.load(data));
    assertTrue(e.getMessage().contains("c.png") && e.getMessage().contains("128,0,0")
        && e.getMessage().contains("classes.csv"), e.getMessage());
  }

  /** Colour masks (as CamVid's own release and annotation tools save them) map through classes.csv, void included. */
  @Test
  void colourMasksMapThroughTheColoursOfClassesCsv() throws Exception {
    Path data = dataDir();
    Files.writeString(data.resolve("classes.csv"), "id,name,r,g,b\n0,sky,128,128,128\n1,road,128,64,128\n"
        + "2,car,64,0,128\n3,void,0,0,0\n");
    byte[] expected = writeColourMask(data.resolve("masks/c.png"), opencv_core.CV_8UC3,
        new int[][] {{128, 128, 128}, {128, 64, 128}, {64, 0, 128}, {0, 0, 0}}, new int[] {0, 1, 2, 3});
    writeImage(data.resolve("images/c.jpg"));
    byte[] expectedWithAlpha = writeColourMask(data.resolve("masks/d.png"), opencv_core.CV_8UC4,
        new int[][] {{64, 0, 128}, {128, 128, 128}, {0, 0, 0}, {128, 64, 128}}, new int[] {2, 0, 3, 1});
    writeImage(data.resolve("images/d.jpg"));
    List<LabelledImage> set = LabelledImageFolder.load(data);
    assertArrayEquals(expected, set.get(0).labels());
    assertArrayEquals(expectedWithAlpha, set.get(1).labels());
  }

  @Test
  void aColourNotInTheTableIsNamedWithItsPlace() throws Exception {
    Path data = dataDir();
    Files.writeString(data.resolve("classes.csv"), "0,sky,128,128,128\n1,road,128,64,128\n");
    // JPEG-like damage: a shade off in the third band, which starts at x=20
    writeColourMask(data.resolve("masks/c.png"), opencv_core.CV_8UC3,
        new int[][] {{128, 128, 128}, {128, 64, 128}, {128, 65, 128}, {128, 64, 128}}, new int[] {0, 1, 1, 1});
    writeImage(data.resolve("images/c.jpg"));
    IOException e = assertThrows(IOException.class, () -> LabelledImageFolder.load(data));
    assertTrue(e.getMessage().contains("c.png") && e.getMessage().contains("128,65,128")
        && e.getMessage().contains("x=20, y=0"), e.getMessage());
  }

  /** Ids saved as a colour image (R = G = B = id) or as 16 bits are read as the ids they are. */
  @Test
  void idsWrittenAsGreyColourOr16BitsAreIds() throws Exception {
    Path data = dataDir();
    Files.writeString(data.resolve("classes.csv"), "0,sky,128,128,128\n1,road,128,64,128\n2,car,64,0,128\n");
    byte[] expected = writeColourMask(data.resolve("masks/g.png"), opencv_core.CV_8UC3,
        new int[][] {{0, 0, 0}, {1, 1, 1}, {2, 2, 2}, {255, 255, 255}}, new int[] {0, 1, 2, 255});
    writeImage(data.resolve("images/g.jpg"));
    try (Mat wide = new Mat(30, 40, opencv_core.CV_16UC1, new Scalar(2))) {
      try (Mat left = wide.colRange(0, 20)) {
        left.put(new Scalar(1));
      }
      imwrite(data.resolve("masks/w.png").toString(), wide);
    }
    writeImage(data.resolve("images/w.jpg"));
    List<LabelledImage> set = LabelledImageFolder.load(data);
    assertArrayEquals(expected, set.get(0).labels());
    byte[] w = set.get(1).labels();
    assertEquals(1, w[0]);
    assertEquals(2, w[39]);
    assertEquals(1, w[29 * 40 + 19]);
    assertEquals(2, w[29 * 40 + 20]);

    try (Mat wide = new Mat(30, 40, opencv_core.CV_16UC1, new Scalar(300))) {
      imwrite(data.resolve("masks/w.png").toString(), wide);
    }
    IOException e = assertThrows(IOException.class, () -> LabelledImageFolder.load(data));
    assertTrue(e.getMessage().contains("w.png") && e.getMessage().contains("300"), e.getMessage());
  }

  /** A colour mask saved as an indexed PNG, its palette in another order than the ids: read by colour. */
  @Test
  void anIndexedColourMaskIsReadByColourWhenAllItsColoursAreClasses() throws Exception {
    Path data = dataDir();
    Files.writeString(data.resolve("classes.csv"), "0,sky,128,128,128\n1,road,128,64,128\n");
    byte[] r = {(byte) 128, (byte) 128};
    byte[] g = {64, (byte) 128};
    byte[] b = {(byte) 128, (byte) 128};
    BufferedImage mask = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_BINARY, new IndexColorModel(1, 2, r, g, b));
    byte[] expected = new byte[40 * 30];
    for (int y = 0; y < 30; y++) {
      for (int x = 0; x < 40; x++) {
        int index = x < 10 ? 1 : 0;  // index 1 is sky's grey (id 0), index 0 road's purple (id 1)
        mask.getRaster().setSample(x, y, 0, index);
        expected[y * 40 + x] = (byte) (1 - index);
      }
    }
    ImageIO.write(mask, "png", data.resolve("masks/p.png").toFile());
    writeImage(data.resolve("images/p.jpg"));
    assertArrayEquals(expected, LabelledImageFolder.load(data).get(0).labels());
  }

  /** Two classes with one colour: id masks still load; a colour mask that uses that colour is refused by name. */
  @Test
  void aColourTwoClassesShareIsRefusedWhereAMaskUsesIt() throws Exception {
    Path data = dataDir();
    Files.writeString(data.resolve("classes.csv"), "0,sky,128,128,128\n1,cloud,128,128,128\n2,road,128,64,128\n");
    try (Mat ids = new Mat(30, 40, opencv_core.CV_8UC1, new Scalar(1))) {
      imwrite(data.resolve("masks/i.png").toString(), ids);
    }
    writeImage(data.resolve("images/i.jpg"));
    assertEquals(1, LabelledImageFolder.load(data).get(0).labels()[0], "an id mask does not need the colours");
    writeColourMask(data.resolve("masks/c.png"), opencv_core.CV_8UC3,
        new int[][] {{128, 64, 128}, {128, 128, 128}, {128, 128, 128}, {128, 128, 128}}, new int[] {2, 0, 0, 0});
    writeImage(data.resolve("images/c.jpg"));
    IOException e = assertThrows(IOException.class, () -> LabelledImageFolder.load(data));
    assertTrue(e.getMessage().contains("c.png") && e.getMessage().contains("128,128,128")
        && e.getMessage().contains("x=10, y=0") && e.getMessage().contains("sky and cloud"), e.getMessage());
  }

  /** A 40x30 mask of four 10-column bands with the given RGB colours; returns the ids expected. */
  private static byte[] writeColourMask(Path file, int type, int[][] rgb, int[] ids) {
    byte[] expected = new byte[40 * 30];
    try (Mat mask = new Mat(30, 40, type, new Scalar(0, 0, 0, 255))) {
      for (int band = 0; band < 4; band++) {
        try (Mat cols = mask.colRange(band * 10, band * 10 + 10)) {
          cols.put(new Scalar(rgb[band][2], rgb[band][1], rgb[band][0], 255));
        }
        for (int y = 0; y < 30; y++) {
          for (int x = band * 10; x < band * 10 + 10; x++) expected[y * 40 + x] = (byte) ids[band];
        }
      }
      imwrite(file.toString(), mask);
    }
    return expected;
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
