package io.segvid.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.capture.SourceInfo;
import io.segvid.config.RecordingConfig;
import io.segvid.inference.InputSize;
import io.segvid.inference.ModelMetadata;
import io.segvid.pipeline.ring.FrameSlot;
import io.segvid.pipeline.sink.RecordingSink;
import io.segvid.pipeline.stage.StreamContext;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recording sink alone, fed frames with the timestamps real files have: duplicates, a missing
 * (zero) timestamp, a jump back, values finer than the frame rate. Every frame must come out once,
 * in order, with strictly increasing times; a timestamp that moves forward is kept.
 */
class AwkwardTimestampsTest {

  private static final long[] TIMESTAMPS = {0, 40_000, 40_000, 0, 200_000, 120_000, 240_000, 240_001, 280_000, 333_367};

  @TempDir
  Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"out.mp4", "out.mkv", "out.ts"})
  void everyFrameOnceInOrderWithIncreasingTimes(String name) throws Exception {
    Path file = tmp.resolve(name);
    StreamContext stream = new StreamContext(0, null, null, new SourceInfo(160, 120, 25, 0, 0, 0, false),
        new InputSize(120, 160), true);
    ModelMetadata meta = new ModelMetadata(ModelMetadata.genericClasses(2), null, 120, 160, null, null, null, null, null, null);
    FrameSlot slot = new FrameSlot();
    try (RecordingSink sink = new RecordingSink(file, RecordingConfig.defaults())) {
      sink.check();
      sink.open(stream, meta);
      for (int i = 0; i < TIMESTAMPS.length; i++) {
        slot.kind = FrameSlot.Kind.VIDEO;
        slot.index = i;
        slot.timestampMicros = TIMESTAMPS[i];
        slot.rendered.create(120, 160, opencv_core.CV_8UC3);
        slot.rendered.put(new Scalar(i * 20, 255 - i * 20, 128, 0));
        sink.video(slot);
      }
      sink.finish();
    } finally {
      slot.release();
    }
    Media.Probe p = Media.probe(file);
    List<Long> ts = p.videoTimestamps();
    assertEquals(TIMESTAMPS.length, p.frames(), "frames " + ts);
    for (int i = 1; i < ts.size(); i++) assertTrue(ts.get(i) > ts.get(i - 1), "strictly increasing: " + ts);
    long offset = ts.get(0);  // MPEG-TS starts its clock above zero
    assertEquals(200_000, ts.get(4) - offset, 1_000, "a forward timestamp is kept: " + ts);
  }
}
