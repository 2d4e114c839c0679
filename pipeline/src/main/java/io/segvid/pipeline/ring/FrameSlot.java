package io.segvid.pipeline.ring;

import io.segvid.output.RenderedFrame;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One preallocated slot of the ring. Its buffers are allocated on first use (when the stream's sizes
 * are known) and reused for every later frame; nothing here is allocated per frame. Public mutable
 * fields, as Disruptor events are: each stage writes its own fields while the ring's sequence
 * barriers guarantee no other stage touches the slot. Sinks see it read-only, as a
 * {@link RenderedFrame}.
 */
public final class FrameSlot implements RenderedFrame {

  /** VIDEO carries a frame, AUDIO carries samples, END marks the end of a stream. */
  public enum Kind { VIDEO, AUDIO, END }

  public Kind kind;
  public int stream;
  /** Video frame number within the stream, from 0. */
  public long index;
  /** Source timestamp in microseconds (as the source reported it; may be awkward). */
  public long timestampMicros;
  /** System.nanoTime() when the frame entered the ring, for latency metrics. */
  public long captureNanos;
  /** Set by the inference stage under the LIVE policy when newer frames make this one stale. */
  public boolean skipped;

  /** Source frame, BGR. */
  public final Mat frame = new Mat();
  /** Model input: RGB, inputHeight x inputWidth x 3. */
  public byte[] modelInput = new byte[0];
  public int inputHeight;
  public int inputWidth;
  /** Class ids at the model input size. */
  public byte[] mask = new byte[0];
  /** Rendered output, BGR at the source size. */
  public final Mat rendered = new Mat();

  /** Interleaved signed 16-bit samples; {@code audioSamples} values are valid. */
  public short[] audio = new short[0];
  public int audioSamples;
  public int audioChannels;
  public int sampleRate;

  /**
   * Makes the model buffers hold {@code h x w}. Buffers only grow (they are capacity, the valid part
   * is inputHeight x inputWidth), so streams of different sizes sharing the ring never reallocate.
   */
  public void ensureModelSize(int h, int w) {
    if (modelInput.length < h * w * 3) {
      modelInput = new byte[h * w * 3];
      mask = new byte[h * w];
    }
    inputHeight = h;
    inputWidth = w;
  }

  /** Allocates everything up front, so the frame path never does. */
  public void preallocate(int modelPixels, int frameHeight, int frameWidth, int audioSamples) {
    if (modelInput.length < modelPixels * 3) {
      modelInput = new byte[modelPixels * 3];
      mask = new byte[modelPixels];
    }
    frame.create(frameHeight, frameWidth, org.bytedeco.opencv.global.opencv_core.CV_8UC3);
    rendered.create(frameHeight, frameWidth, org.bytedeco.opencv.global.opencv_core.CV_8UC3);
    ensureAudioCapacity(audioSamples);
  }

  public void ensureAudioCapacity(int samples) {
    if (audio.length < samples) {
      audio = new short[Math.max(samples, 8192)];
    }
  }


  // What sinks read (RenderedFrame): the fields above, read-only.

  @Override
  public int stream() {
    return stream;
  }

  @Override
  public long index() {
    return index;
  }

  @Override
  public long timestampMicros() {
    return timestampMicros;
  }

  @Override
  public long captureNanos() {
    return captureNanos;
  }

  @Override
  public Mat rendered() {
    return rendered;
  }

  @Override
  public byte[] mask() {
    return mask;
  }

  @Override
  public int maskHeight() {
    return inputHeight;
  }

  @Override
  public int maskWidth() {
    return inputWidth;
  }

  @Override
  public short[] audio() {
    return audio;
  }

  @Override
  public int audioSamples() {
    return audioSamples;
  }

  /** Releases the slot's native buffers when the ring is torn down. */
  public void release() {
    frame.close();
    rendered.close();
  }
}
