package io.segvid.capture;

import org.bytedeco.javacv.Frame;

/**
 * A stream of decoded frames: a file, a camera, a network stream, a test pattern. Frames come as
 * JavaCV {@link Frame}s (BGR24 images, interleaved signed 16-bit audio) owned by the source and
 * valid only until the next {@link #grab()}: the capture stage copies them into the ring.
 */
public interface VideoSource extends AutoCloseable {

  /** A name safe to print: no credentials. */
  String name();

  SourceInfo open() throws SourceException;

  /** The next video or audio frame, or null at the end of the stream (or, for live sources, a disconnect). */
  Frame grab() throws SourceException;

  @Override
  void close();
}
