package io.segvid.output;

import io.segvid.inference.ModelMetadata;

/**
 * One frame's statistics as a JSON object: fixed leading fields, frame index, source timestamp and
 * the fraction of pixels of each class. Built by hand into a buffer reused for every frame (no
 * object per frame); class names are escaped once. One per sink, used by its thread.
 */
public final class FrameStatsJson {

  private final String leading;
  private final String[] keys;
  private final long[] counts = new long[256];
  private final StringBuilder line = new StringBuilder(512);

  /** {@code leadingFields}: complete JSON members put first, e.g. {@code "stream":0,} (may be empty). */
  public FrameStatsJson(ModelMetadata metadata, String leadingFields) {
    this.leading = leadingFields;
    keys = new String[metadata.numClasses()];
    for (int i = 0; i < keys.length; i++) keys[i] = quote(metadata.classes().get(i).name()) + ":";
  }

  /** A JSON string literal. */
  public static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.append('"').toString();
  }

  /** The frame's object, without a line end; valid until the next call. */
  public CharSequence of(RenderedFrame frame) {
    java.util.Arrays.fill(counts, 0);
    int n = frame.maskHeight() * frame.maskWidth();
    byte[] ids = frame.mask();
    for (int i = 0; i < n; i++) counts[ids[i] & 0xff]++;
    line.setLength(0);
    line.append('{').append(leading).append("\"index\":").append(frame.index())
        .append(",\"timestamp_us\":").append(frame.timestampMicros()).append(",\"fractions\":{");
    for (int c = 0; c < keys.length; c++) {
      if (c > 0) line.append(',');
      line.append(keys[c]);
      appendFraction(counts[c], n);
    }
    return line.append("}}");
  }

  /** Fraction with 4 decimals, without String.format. */
  private void appendFraction(long count, int total) {
    long scaled = Math.round(count * 10000.0 / total);
    line.append(scaled / 10000).append('.');
    long frac = scaled % 10000;
    if (frac < 1000) line.append('0');
    if (frac < 100) line.append('0');
    if (frac < 10) line.append('0');
    line.append(frac);
  }
}
