package io.segvid.pipeline.ring;

import io.segvid.output.RenderedFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
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

  /** Source frame, BGR, at its stream's size: once preallocated, a view over this slot's frame store. */
  public Mat frame = new Mat();
  /** Model input: RGB, inputHeight x inputWidth x 3. */
  public byte[] modelInput = new byte[0];
  public int inputHeight;
  public int inputWidth;
  /** Class ids at the model input size. */
  public byte[] mask = new byte[0];
  /** Rendered output, BGR at the source size; once preallocated, a view over the rendered store. */
  public Mat rendered = new Mat();

  /*
   * Streams of different sizes share the slots. Copying a frame into a Mat of another size makes
   * OpenCV reallocate it, every frame, so each slot holds pixel stores for the largest stream and,
   * per stream, a Mat header of that stream's size over them: taking a slot for a stream only
   * points frame and rendered at its headers.
   */
  private BytePointer frameStore;
  private BytePointer renderedStore;
  private Mat[] frameViews = new Mat[0];
  private Mat[] renderedViews = new Mat[0];

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

  /**
   * Allocates everything up front, so the frame path never does: model buffers for {@code modelPixels},
   * and frame and rendered stores for the largest of the streams' frame sizes, with a view of each
   * stream's size ({@code frameHeights[i] x frameWidths[i]} for stream i). Once per slot.
   */
  public void preallocate(int modelPixels, int[] frameHeights, int[] frameWidths, int audioSamples) {
    if (frameStore != null) throw new IllegalStateException("slot already preallocated");
    if (modelInput.length < modelPixels * 3) {
      modelInput = new byte[modelPixels * 3];
      mask = new byte[modelPixels];
    }
    long largest = 0;
    for (int i = 0; i < frameHeights.length; i++) largest = Math.max(largest, 3L * frameHeights[i] * frameWidths[i]);
    frameStore = new BytePointer(largest);
    renderedStore = new BytePointer(largest);
    frameViews = new Mat[frameHeights.length];
    renderedViews = new Mat[frameHeights.length];
    for (int i = 0; i < frameHeights.length; i++) {
      frameViews[i] = new Mat(frameHeights[i], frameWidths[i], opencv_core.CV_8UC3, frameStore);
      renderedViews[i] = new Mat(frameHeights[i], frameWidths[i], opencv_core.CV_8UC3, renderedStore);
    }
    frame.close();
    rendered.close();
    useStream(0);
    ensureAudioCapacity(audioSamples);
  }

  /** Takes the slot for a video frame of {@code stream}: frame and rendered become its size's views. */
  public void useStream(int stream) {
    this.stream = stream;
    if (stream < frameViews.length) {
      frame = frameViews[stream];
      rendered = renderedViews[stream];
    }
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

  /** Releases the slot's native buffers when the ring is torn down (views before the stores they show). */
  public void release() {
    if (frameViews.length == 0) {
      frame.close();
      rendered.close();
    }
    for (Mat view : frameViews) view.close();
    for (Mat view : renderedViews) view.close();
    if (frameStore != null) frameStore.close();
    if (renderedStore != null) renderedStore.close();
  }
}
