package io.segvid.output;

import io.segvid.inference.ModelMetadata;
import java.io.IOException;

/**
 * Where rendered frames go: a recording, mask files, statistics, a window, a network stream. A sink
 * checks its target before anything is opened, creates it in {@link #open}, and completes it in
 * {@link #finish} (a clean end) or just releases it in {@link #close} (after a failure).
 */
public interface FrameSink extends AutoCloseable {

  /** For messages and metric tags; no credentials. */
  String describe();

  /** Fails with a clear message if the target cannot be written. Creates nothing. */
  void check() throws IOException;

  void open(SinkContext stream, ModelMetadata metadata) throws IOException;

  /** A rendered video frame: {@code frame.rendered()}, {@code frame.mask()}, timestamps. */
  void video(RenderedFrame frame) throws IOException;

  /** Audio samples of the stream; most sinks ignore them. */
  default void audio(RenderedFrame frame) throws IOException { }

  /** The stream ended normally: complete the output. */
  void finish() throws IOException;

  @Override
  void close();
}
