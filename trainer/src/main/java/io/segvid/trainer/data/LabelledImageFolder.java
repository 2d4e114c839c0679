package io.segvid.trainer.data;

import static org.bytedeco.opencv.global.opencv_core.minMaxLoc;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_NEAREST_EXACT;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The common segmentation layout: {@code images/} and {@code masks/} with matching base names, masks
 * of class ids (grey or palette PNGs) or colour-coded with the colours of {@code classes.csv}. Training
 * loads a folder fully into memory (CamVid train is ~190 MB); evaluation reads one pair at a time.
 */
public final class LabelledImageFolder {

  private static final List<String> IMAGE_EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp");

  private LabelledImageFolder() { }

  /** Loads a folder as it is, colour masks mapped by the classes.csv found in it or its parent. */
  public static List<LabelledImage> load(Path dir) throws IOException {
    return load(dir, MaskColours.near(dir), 0);
  }

  /**
   * Loads a folder; images (and their masks) whose longer side exceeds {@code maxSide} are shrunk to it
   * as they are read (aspect kept; area averaging, masks nearest neighbour), so photos of many
   * megapixels neither fill the memory nor teach the model a scale it never serves at. 0 keeps sizes.
   */
  public static List<LabelledImage> load(Path dir, MaskColours colours, int maxSide) throws IOException {
    List<LabelledImage> out = new ArrayList<>();
    for (Pair p : pairs(dir)) out.add(shrunk(read(p, colours), maxSide));
    return out;
  }

  /** An image file and its mask file, not yet read. */
  public record Pair(String name, Path image, Path mask) { }

  /** A mistyped data path, named as such before anything reports what the folder lacks. */
  public static void requireFolder(Path dir) throws IOException {
    if (!Files.exists(dir)) throw new IOException("data folder " + dir + " does not exist");
    if (!Files.isDirectory(dir)) throw new IOException(dir + " is not a folder (it should hold images/ and masks/)");
  }

  /** The image/mask pairs of a folder, sorted by name; a missing mask or an empty folder is refused by name. */
  public static List<Pair> pairs(Path dir) throws IOException {
    requireFolder(dir);
    Path images = dir.resolve("images");
    Path masks = dir.resolve("masks");
    if (!Files.isDirectory(images) || !Files.isDirectory(masks)) {
      throw new IOException(dir + " must hold images/ and masks/ folders");
    }
    Map<String, Path> maskByBase = byBaseName(masks);
    List<Pair> out = new ArrayList<>();
    for (Map.Entry<String, Path> e : byBaseName(images).entrySet()) {
      Path mask = maskByBase.get(e.getKey());
      if (mask == null) throw new IOException("no mask for " + e.getValue() + " in " + masks);
      out.add(new Pair(e.getKey(), e.getValue(), mask));
    }
    if (out.isEmpty()) throw new IOException("no images in " + images);
    return out;
  }

  /** Image files of a folder by base name (sorted, so runs are reproducible). */
  public static Map<String, Path> byBaseName(Path dir) throws IOException {
    Map<String, Path> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot <= 0 || !Files.isRegularFile(p)) continue;
        if (!IMAGE_EXTENSIONS.contains(name.substring(dot).toLowerCase(Locale.ROOT))) continue;
        Path clash = out.put(name.substring(0, dot), p);
        // a.jpg and a.png would both map to a.png (masks, outputs): refuse rather than drop one.
        if (clash != null) {
          throw new IOException(dir + " holds two images with the base name " + name.substring(0, dot) + ": "
              + clash.getFileName() + " and " + name);
        }
      }
    }
    return out;
  }

  static LabelledImage shrunk(LabelledImage img, int maxSide) {
    int longer = Math.max(img.height(), img.width());
    if (maxSide <= 0 || longer <= maxSide) return img;
    double f = (double) maxSide / longer;
    int h = Math.max(1, (int) Math.round(img.height() * f));
    int w = Math.max(1, (int) Math.round(img.width() * f));
    try (PointerScope scope = new PointerScope()) {
      return new LabelledImage(img.name(), h, w, resized(img.rgb(), img.height(), img.width(), 3, h, w, INTER_AREA),
          resized(img.labels(), img.height(), img.width(), 1, h, w, INTER_NEAREST_EXACT));
    }
  }

  /** 8-bit interleaved pixels resized; call inside a PointerScope, which frees the Mats. */
  static byte[] resized(byte[] data, int h, int w, int channels, int nh, int nw, int interpolation) {
    int type = channels == 3 ? opencv_core.CV_8UC3 : opencv_core.CV_8UC1;
    Mat src = new Mat(h, w, type, new BytePointer(data));
    Mat dst = new Mat();
    resize(src, dst, new Size(nw, nh), 0, 0, interpolation);
    return bytes(dst);
  }

  /**
   * Reads an image file as RGB bytes, turned as its EXIF orientation says (as viewers show a phone's
   * photo); the size goes into {@code sizeOut} as {rows, cols}.
   */
  public static byte[] readRgb(Path file, int[] sizeOut) throws IOException {
    return readRgb(file, sizeOut, IMREAD_COLOR);
  }

  private static byte[] readRgb(Path file, int[] sizeOut, int flags) throws IOException {
    try (Mat bgr = imread(file.toString(), flags); Mat rgb = new Mat()) {
      if (bgr.empty()) throw new IOException("cannot decode image " + file);
      cvtColor(bgr, rgb, COLOR_BGR2RGB);
      sizeOut[0] = rgb.rows();
      sizeOut[1] = rgb.cols();
      return bytes(rgb);
    }
  }

  /**
   * Reads one pair; a mask of another size than its image is refused by name. The image is read turned
   * by its EXIF orientation, unless only its pixels as stored match the mask: a labelling tool that
   * ignored the tag drew the mask on those (a half turn leaves the sizes equal and cannot be told).
   */
  public static LabelledImage read(Pair pair, MaskColours colours) throws IOException {
    String name = pair.name();
    Path imageFile = pair.image();
    Path maskFile = pair.mask();
    int[] maskSize = new int[2];
    byte[] labels = readLabels(maskFile, maskSize, colours);
    int[] size = new int[2];
    byte[] rgb = readRgb(imageFile, size);
    if ((maskSize[0] != size[0] || maskSize[1] != size[1]) && maskSize[0] == size[1] && maskSize[1] == size[0]) {
      int[] storedSize = new int[2];
      byte[] stored = readRgb(imageFile, storedSize, IMREAD_COLOR | IMREAD_IGNORE_ORIENTATION);
      if (storedSize[0] == maskSize[0] && storedSize[1] == maskSize[1]) {
        rgb = stored;
        size = storedSize;
      }
    }
    if (maskSize[0] != size[0] || maskSize[1] != size[1]) {
      throw new IOException("mask " + maskFile + " is " + maskSize[1] + "x" + maskSize[0] + " but its image is "
          + size[1] + "x" + size[0]);
    }
    return new LabelledImage(name, size[0], size[1], rgb, labels);
  }

  /**
   * Class ids of a mask file: a single-channel 8-bit (or 16-bit, ids below 256) image, a palette PNG
   * (the VOC layout) whose palette indices are the ids, or a colour image mapped by {@code colours}. A
   * palette PNG whose colours are all the table's (a colour mask saved indexed) is read by colour.
   */
  static byte[] readLabels(Path maskFile, int[] sizeOut, MaskColours colours) throws IOException {
    try (Mat mask = imread(maskFile.toString(), IMREAD_UNCHANGED)) {
      if (mask.empty()) throw new IOException("cannot decode mask " + maskFile);
      sizeOut[0] = mask.rows();
      sizeOut[1] = mask.cols();
      if (mask.channels() == 1 && mask.depth() == opencv_core.CV_8U) return bytes(mask);
      if (mask.channels() == 1 && mask.depth() == opencv_core.CV_16U) return narrow(mask, maskFile);
      boolean colour = (mask.channels() == 3 || mask.channels() == 4) && mask.depth() == opencv_core.CV_8U;
      byte[] palette = paletteIndices(maskFile);
      if (palette != null) {
        byte[] byColour = colour ? colours.tryDecode(bytes(mask), mask.channels()) : null;
        return byColour != null ? byColour : palette;
      }
      if (colour) return colours.decode(bytes(mask), mask.channels(), mask.cols(), maskFile);
    }
    throw new IOException("mask " + maskFile + " must hold class ids (a single-channel image or a palette PNG) "
        + "or the colours of " + ClassTable.FILE_NAME);
  }

  /** Palette indices of an indexed PNG (OpenCV would expand them into colours); null for other files. */
  private static byte[] paletteIndices(Path maskFile) {
    if (!maskFile.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) return null;
    java.awt.image.BufferedImage img;
    try {
      img = javax.imageio.ImageIO.read(maskFile.toFile());
    } catch (IOException | RuntimeException e) {
      return null;  // OpenCV reads it or names it
    }
    if (img == null || !(img.getColorModel() instanceof java.awt.image.IndexColorModel)
        || img.getRaster().getNumBands() != 1 || img.getColorModel().getPixelSize() > 8) {
      return null;
    }
    int[] ids = img.getRaster().getPixels(0, 0, img.getWidth(), img.getHeight(), (int[]) null);
    byte[] out = new byte[ids.length];
    for (int i = 0; i < ids.length; i++) out[i] = (byte) ids[i];
    return out;
  }

  /** A 16-bit mask of ids (some tools write them so) as bytes; ids above 255 are refused by name. */
  private static byte[] narrow(Mat mask16, Path maskFile) throws IOException {
    try (DoublePointer max = new DoublePointer(1); Mat narrow = new Mat()) {
      minMaxLoc(mask16, null, max, null, null, null);
      if (max.get() > 255) {
        throw new IOException("mask " + maskFile + " has class id " + (long) max.get() + " (at most 256 ids are supported)");
      }
      mask16.convertTo(narrow, opencv_core.CV_8U);
      return bytes(narrow);
    }
  }

  public static byte[] bytes(Mat m) {
    Mat c = m.isContinuous() ? m : m.clone();
    try {
      byte[] out = new byte[(int) (c.total() * c.elemSize())];
      c.data().get(out);
      return out;
    } finally {
      if (c != m) c.close();
    }
  }
}
