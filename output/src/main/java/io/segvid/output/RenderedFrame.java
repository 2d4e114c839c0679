package io.segvid.output;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * What a sink reads of one rendered frame. The ring's slot implements it; a sink must not keep any
 * of these buffers past the call that handed them over (the slot is reused for a later frame).
 */
public interface RenderedFrame {

  /** The stream the frame belongs to, as in {@link SinkContext#id()}. */
  int stream();

  /** Video frame number within the stream, from 0. */
  long index();

  /** Source timestamp in microseconds. */
  long timestampMicros();

  /** {@code System.nanoTime()} when the frame entered the pipeline, for latency. */
  long captureNanos();

  /** The rendered picture: BGR at the source size, continuous. */
  Mat rendered();

  /** Class ids, row-major, {@link #maskHeight()} x {@link #maskWidth()} valid (the model's input size). */
  byte[] mask();

  int maskHeight();

  int maskWidth();

  /** Interleaved signed 16-bit samples of an audio slot; {@link #audioSamples()} values are valid. */
  short[] audio();

  int audioSamples();
}
