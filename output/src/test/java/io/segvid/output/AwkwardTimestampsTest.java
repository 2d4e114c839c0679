package io.segvid.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.capture.SourceInfo;
import io.segvid.config.RecordingConfig;
import io.segvid.inference.ModelMetadata;
import io.segvid.testkit.Media;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
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
    record(file, RecordingConfig.defaults(), TIMESTAMPS);
    Media.Probe p = Media.probe(file);
    List<Long> ts = p.videoTimestamps();
    assertEquals(TIMESTAMPS.length, p.frames(), "frames " + ts);
    for (int i = 1; i < ts.size(); i++) assertTrue(ts.get(i) > ts.get(i - 1), "strictly increasing: " + ts);
    long offset = ts.get(0);  // MPEG-TS starts its clock above zero
    assertEquals(200_000, ts.get(4) - offset, 1_000, "a forward timestamp is kept: " + ts);
  }

  /** Every recording.codec the config accepts opens, keeps every frame and keeps the colours. */
  @ParameterizedTest
  @ValueSource(strings = {"h264", "mpeg4", "mjpeg"})
  void everyCodecRecordsEveryFrameInItsColours(String codec) throws Exception {
    Path file = tmp.resolve(codec + ".mkv");
    RecordingConfig d = RecordingConfig.defaults();
    long[] times = new long[12];
    for (int i = 0; i < times.length; i++) times[i] = i * 40_000L;
    record(file, new RecordingConfig(codec, d.gopSeconds(), d.bitrateKbps(), d.audio()), times);
    assertEquals(times.length, Media.probe(file).frames());
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toString());
         OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat()) {
      g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
      g.start();
      assertTrue(g.getVideoCodecName().contains(codec.equals("h264") ? "h264" : codec), g.getVideoCodecName());
      Scalar mean = opencv_core.mean(conv.convert(g.grabImage()));
      Scalar expected = colour(0);
      for (int c = 0; c < 3; c++) assertEquals(expected.get(c), mean.get(c), 8, "channel " + c + " of frame 0");
      mean.close();
      expected.close();
    }
  }

  private static Scalar colour(int i) {
    return new Scalar(i * 20, 255 - i * 20, 128, 0);
  }

  private static void record(Path file, RecordingConfig config, long[] timestamps) throws Exception {
    SinkContext stream = TestFrame.context(new SourceInfo(160, 120, 25, 0, 0, 0, false));
    ModelMetadata meta = new ModelMetadata(ModelMetadata.genericClasses(2), null, 120, 160, null, null, null, null, null, null);
    try (TestFrame frame = new TestFrame(); RecordingSink sink = new RecordingSink(file, config)) {
      sink.check();
      sink.open(stream, meta);
      for (int i = 0; i < timestamps.length; i++) {
        frame.index = i;
        frame.timestampMicros = timestamps[i];
        frame.rendered.create(120, 160, opencv_core.CV_8UC3);
        try (Scalar c = colour(i)) {
          frame.rendered.put(c);
        }
        sink.video(frame);
      }
      sink.finish();
    }
  }
}
