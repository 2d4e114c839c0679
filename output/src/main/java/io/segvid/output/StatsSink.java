package io.segvid.output;

import io.segvid.inference.ModelMetadata;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One JSON line per frame ({@link FrameStatsJson}): stream, frame index, source timestamp, class fractions. */
public final class StatsSink implements FrameSink {

  private final Path file;
  private BufferedWriter out;
  private FrameStatsJson json;

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
    json = new FrameStatsJson(metadata, "\"stream\":" + stream.id() + ",");
  }

  @Override
  public void video(RenderedFrame frame) throws IOException {
    out.append(json.of(frame)).append('\n');
    out.flush();
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
