package io.segvid.output;

import io.segvid.inference.ModelMetadata;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One JSON line per frame: stream, frame index, source timestamp, and the fraction of pixels of each
 * class. Written by hand into a reused buffer (no object per frame); class names are escaped once.
 */
public final class StatsSink implements FrameSink {

  private final Path file;
  private BufferedWriter out;
  private String[] keys;
  private long[] counts;
  private final StringBuilder line = new StringBuilder(512);

  public StatsSink(Path file) {
    this.file = file;
  }

  @Override
  public String describe() {
    return "stats:" + file;
  }

  @Override
  public void check() throws IOException {
    OutputPaths.checkFile(file, "stats file");
  }

  @Override
  public void open(SinkContext stream, ModelMetadata metadata) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    out = Files.newBufferedWriter(file);
    keys = new String[metadata.numClasses()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = "\"" + metadata.classes().get(i).name().replace("\\", "\\\\").replace("\"", "\\\"") + "\":";
    }
    counts = new long[256];
  }

  @Override
  public void video(RenderedFrame frame) throws IOException {
    java.util.Arrays.fill(counts, 0);
    int n = frame.maskHeight() * frame.maskWidth();
    byte[] ids = frame.mask();
    for (int i = 0; i < n; i++) counts[ids[i] & 0xff]++;
    line.setLength(0);
    line.append("{\"stream\":").append(frame.stream()).append(",\"index\":").append(frame.index())
        .append(",\"timestamp_us\":").append(frame.timestampMicros()).append(",\"fractions\":{");
    for (int c = 0; c < keys.length; c++) {
      if (c > 0) line.append(',');
      line.append(keys[c]);
      appendFraction(counts[c], n);
    }
    line.append("}}\n");
    out.append(line);
    out.flush();
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

  @Override
  public void finish() throws IOException {
    if (out != null) out.flush();
  }

  @Override
  public void close() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException ignored) {
        // nothing buffered is left after finish()
      }
      out = null;
    }
  }
}
