package io.segvid.trainer.data;

import io.segvid.inference.ClassInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Maps the colours of colour-coded masks (as annotation tools and CamVid's own release save them) to
 * class ids, from the colours of {@code classes.csv}, the ignore row included. Matching is exact: a
 * colour not in the table names the file, the colour and where it is, rather than training on a guess.
 */
public final class MaskColours {

  /** No table: only masks that are ids (grey, palette, or ids written as equal R, G and B) load. */
  public static final MaskColours NONE = new MaskColours(new int[0], new byte[0], new String[0], null);

  private final int[] sortedRgb;
  private final byte[] idOf;
  /** Per colour, null or why it cannot be mapped (two classes share it): refused only where a mask uses it. */
  private final String[] ambiguous;
  private final Path source;

  private MaskColours(int[] sortedRgb, byte[] idOf, String[] ambiguous, Path source) {
    this.sortedRgb = sortedRgb;
    this.idOf = idOf;
    this.ambiguous = ambiguous;
    this.source = source;
  }

  /** The colours of every row (ignore row included). */
  public static MaskColours of(List<ClassInfo> rows, Path source) throws IOException {
    ClassInfo[] byRgb = rows.toArray(ClassInfo[]::new);
    Arrays.sort(byRgb, (a, b) -> Integer.compare(rgb(a), rgb(b)));
    int[] keys = new int[byRgb.length];
    byte[] ids = new byte[byRgb.length];
    String[] ambiguous = new String[byRgb.length];
    int n = 0;
    for (int i = 0; i < byRgb.length; i++) {
      ClassInfo row = byRgb[i];
      if (row.id() < 0 || row.id() > 255) throw new IOException(source + ": class id " + row.id() + " is outside 0..255");
      if (n > 0 && rgb(row) == keys[n - 1]) {
        ambiguous[n - 1] = source + " gives " + byRgb[i - 1].name() + " and " + row.name() + " the colour "
            + colour(keys[n - 1]) + ", so a colour mask cannot tell them apart";
        continue;
      }
      keys[n] = rgb(row);
      ids[n++] = (byte) row.id();
    }
    return new MaskColours(Arrays.copyOf(keys, n), Arrays.copyOf(ids, n), Arrays.copyOf(ambiguous, n), source);
  }

  /** The colours of the classes.csv in a data folder or its parent (as training finds it); NONE without one. */
  public static MaskColours near(Path dataDir) throws IOException {
    Path csv = ClassTable.csvNear(dataDir);
    return csv == null ? NONE : of(ClassTable.readCsv(csv), csv);
  }

  public boolean isEmpty() {
    return sortedRgb.length == 0;
  }

  /**
   * Class ids of an interleaved 8-bit BGR or BGRA mask ({@code channels} 3 or 4, alpha ignored). A mask
   * all grey and not all in the table holds ids written as colour (R = G = B = id).
   */
  public byte[] decode(byte[] bgr, int channels, int width, Path file) throws IOException {
    byte[] ids = tryDecode(bgr, channels);
    if (ids != null) return ids;
    if (allGrey(bgr, channels)) {
      ids = new byte[bgr.length / channels];
      for (int p = 0; p < ids.length; p++) ids[p] = bgr[p * channels];
      return ids;
    }
    int unknownAt = 0;
    int k;
    while ((k = Arrays.binarySearch(sortedRgb, rgbAt(bgr, unknownAt * channels))) >= 0 && ambiguous[k] == null) unknownAt++;
    int rgb = rgbAt(bgr, unknownAt * channels);
    String at = " at x=" + unknownAt % width + ", y=" + unknownAt / width;
    if (k >= 0) throw new IOException("mask " + file + " uses the colour " + colour(rgb) + at + ": " + ambiguous[k]);
    if (isEmpty()) {
      throw new IOException("mask " + file + " holds colours (" + colour(rgb) + at + "), not class ids: put a "
          + ClassTable.FILE_NAME + " (id,name,r,g,b) beside images/ and masks/ to map colours to ids");
    }
    throw new IOException("mask " + file + " has the colour " + colour(rgb) + at + ", which no class in " + source
        + " has (colour masks must be saved losslessly, e.g. PNG)");
  }

  /** Class ids when every pixel has a colour of the table; null otherwise. */
  public byte[] tryDecode(byte[] bgr, int channels) {
    byte[] out = new byte[bgr.length / channels];
    int lastRgb = -1;
    byte lastId = 0;
    for (int p = 0, i = 0; p < out.length; p++, i += channels) {
      int rgb = rgbAt(bgr, i);
      if (rgb != lastRgb) {  // masks are runs of one colour: one search per run
        int k = Arrays.binarySearch(sortedRgb, rgb);
        if (k < 0 || ambiguous[k] != null) return null;
        lastRgb = rgb;
        lastId = idOf[k];
      }
      out[p] = lastId;
    }
    return out;
  }

  private static int rgbAt(byte[] bgr, int i) {
    return (bgr[i + 2] & 0xff) << 16 | (bgr[i + 1] & 0xff) << 8 | (bgr[i] & 0xff);
  }

  private static boolean allGrey(byte[] bgr, int channels) {
    for (int i = 0; i + 2 < bgr.length; i += channels) {
      if (bgr[i] != bgr[i + 1] || bgr[i] != bgr[i + 2]) return false;
    }
    return true;
  }

  private static int rgb(ClassInfo c) {
    return c.red() << 16 | c.green() << 8 | c.blue();
  }

  private static String colour(int rgb) {
    return String.format(Locale.ROOT, "%d,%d,%d", rgb >> 16 & 0xff, rgb >> 8 & 0xff, rgb & 0xff);
  }
}
