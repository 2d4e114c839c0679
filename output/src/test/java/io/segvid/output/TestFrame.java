package io.segvid.output;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segvid.capture.SourceInfo;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/** A rendered frame a sink test fills in by hand, and the context a sink opens with: sinks without the ring. */
final class TestFrame implements RenderedFrame, AutoCloseable {

  int stream;
  long index;
  long timestampMicros;
  long captureNanos;
  final Mat rendered = new Mat();
  byte[] mask = new byte[0];
  int maskHeight;
  int maskWidth;
  short[] audio = new short[0];
  int audioSamples;

  /** A stream 0 with real (in-memory) meters. */
  static SinkContext context(SourceInfo info) {
    MeterRegistry registry = new SimpleMeterRegistry();
    StreamMeters meters = new StreamMeters(Counter.builder("captured").register(registry),
        Counter.builder("rendered").register(registry), List.of(Counter.builder("dropped").register(registry)),
        Timer.builder("latency").publishPercentiles(0.5).register(registry));
    return new SinkContext(0, "test", info, meters);
  }

  @Override public int stream() { return stream; }
  @Override public long index() { return index; }
  @Override public long timestampMicros() { return timestampMicros; }
  @Override public long captureNanos() { return captureNanos; }
  @Override public Mat rendered() { return rendered; }
  @Override public byte[] mask() { return mask; }
  @Override public int maskHeight() { return maskHeight; }
  @Override public int maskWidth() { return maskWidth; }
  @Override public short[] audio() { return audio; }
  @Override public int audioSamples() { return audioSamples; }

  @Override
  public void close() {
    rendered.close();
  }
}
