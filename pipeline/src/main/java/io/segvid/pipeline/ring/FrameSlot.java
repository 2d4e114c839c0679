package io.segvid.pipeline.ring;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One preallocated slot of the ring. Its buffers are allocated on first use (when the stream's sizes
 * are known) and reused for every later frame; nothing here is allocated per frame.
 */
public final class FrameSlot {

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

  /** Wraps {@link #rendered} as a JavaCV Frame for encoders; one per slot so the wrapper is made once. */
  private final org.bytedeco.javacv.OpenCVFrameConverter.ToMat renderedConverter = new org.bytedeco.javacv.OpenCVFrameConverter.ToMat();
  private org.bytedeco.javacv.Frame renderedWrapper;
  private org.bytedeco.javacpp.BytePointer renderedData;
  private int wrappedRows;
  private int wrappedCols;
  private int wrappedType;

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
    renderedFrame();  // builds the wrapper now, not on the frame path
    ensureAudioCapacity(audioSamples);
  }

  public void ensureAudioCapacity(int samples) {
    if (audio.length < samples) {
      audio = new short[Math.max(samples, 8192)];
    }
  }


  /**
   * The rendered frame as a JavaCV Frame, made once and kept while the Mat keeps its size and type
   * (so its buffer): the converter's own check allocates on every call. Synchronized: the sinks of a
   * stream call this at once from their own threads, and the converter publishes its new Frame before
   * filling it in, so an unguarded reader could get a Frame without an image.
   */
  public synchronized org.bytedeco.javacv.Frame renderedFrame() {
    int rows = rendered.rows();
    int cols = rendered.cols();
    int type = rendered.type();
    if (renderedWrapper == null || rows != wrappedRows || cols != wrappedCols || type != wrappedType) {
      renderedWrapper = renderedConverter.convert(rendered);
      renderedData = rendered.data();
      wrappedRows = rows;
      wrappedCols = cols;
      wrappedType = type;
    }
    return renderedWrapper;
  }

  /** The rendered pixels (BGR, {@code renderedFrame().imageStride} bytes per row), for native encoders. */
  public synchronized org.bytedeco.javacpp.BytePointer renderedData() {
    renderedFrame();
    return renderedData;
  }

  /** Releases the slot's native buffers when the ring is torn down. */
  public void release() {
    renderedConverter.close();
    frame.close();
    rendered.close();
  }
}
