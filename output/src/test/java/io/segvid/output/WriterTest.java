package io.segvid.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The writer's audio path: any source rate comes out as AAC of the same length and pitch. */
class WriterTest {

  @TempDir
  Path tmp;

  /** A writer whose muxer cannot be made is still closed cleanly: close() frees what it has, never throws. */
  @Test
  void aWriterThatFailedToStartClosesWithoutThrowing() {
    FfmpegWriter w = new FfmpegWriter(tmp.resolve("x.out").toString(), new EncoderSettings("no-such-muxer", 64, 48,
        10, avcodec.AV_CODEC_ID_MPEG4, avutil.AV_PIX_FMT_YUV420P, 10, 200_000, 0, 0, Map.of()));
    java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, w::start);
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("no-such-muxer"), e.getMessage());
    org.junit.jupiter.api.Assertions.assertDoesNotThrow(w::close);
    org.junit.jupiter.api.Assertions.assertDoesNotThrow(w::close, "closing twice is harmless");
  }

  /** OpenH264 cannot encode pictures under 16 pixels a side: one clear line at start, no file. */
  @ParameterizedTest
  @ValueSource(strings = {"16x8", "8x16", "2x2"})
  void picturesTooSmallForOpenH264AreRefusedAtStart(String size) {
    int w = Integer.parseInt(size.split("x")[0]);
    int h = Integer.parseInt(size.split("x")[1]);
    Path file = tmp.resolve("small-" + size + ".mkv");
    FfmpegWriter writer = new FfmpegWriter(file.toString(), new EncoderSettings("matroska", w, h, 10,
        avcodec.AV_CODEC_ID_H264, avutil.AV_PIX_FMT_YUV420P, 10, 200_000, 0, 0, Map.of()));
    java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, writer::start);
    writer.close();
    assertEquals("cannot encode " + size + " video with OpenH264: it needs at least 16x16 pixels", e.getMessage());
    org.junit.jupiter.api.Assertions.assertFalse(java.nio.file.Files.exists(file), "nothing written");
  }

  /**
   * A live stream delivering fewer frames than its nominal rate still gets a keyframe every
   * keyframeMicros of stream time (a viewer joining waits at most that long), while a GOP counted in
   * frames alone would give one every 10 s here.
   */
  @ParameterizedTest
  @ValueSource(longs = {0, 300_000})
  void keyframesEveryKeyframeMicrosOfStreamTime(long keyframeMicros) throws Exception {
    Path file = tmp.resolve("keys-" + keyframeMicros + ".mkv");
    try (FfmpegWriter w = new FfmpegWriter(file.toString(), new EncoderSettings("matroska", 64, 48, 25,
        avcodec.AV_CODEC_ID_H264, avutil.AV_PIX_FMT_YUV420P, 250, 200_000, 0, 0, Map.of(), keyframeMicros));
         BytePointer grey = new BytePointer(64 * 48 * 3)) {
      w.start();
      for (int i = 0; i < 30; i++) w.video(grey, 64 * 3, i * 100_000L);  // 10 fps delivered of a 25 fps stream
      w.finish();
    }
    int keys = 0;
    int frames = 0;
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toString())) {
      g.start();
      Frame f;
      while ((f = g.grabImage()) != null) {
        frames++;
        if (f.keyFrame) keys++;
      }
    }
    assertEquals(30, frames);
    // 3 s of stream time: a keyframe at 0, 0.3, 0.6, ... 2.7 s.
    assertEquals(keyframeMicros == 0 ? 1 : 10, keys, "keyframes");
  }

  @ParameterizedTest
  @ValueSource(ints = {48_000, 37_800, 192_000})
  void audioKeepsItsLengthAndPitchAtAnySampleRate(int rate) throws Exception {
    Path file = tmp.resolve("tone-" + rate + ".mkv");
    int seconds = 3;
    double hz = 440;
    try (FfmpegWriter w = new FfmpegWriter(file.toString(), new EncoderSettings("matroska", 64, 48, 10,
        avcodec.AV_CODEC_ID_MPEG4, avutil.AV_PIX_FMT_YUV420P, 10, 200_000, 1, rate, Map.of()));
         BytePointer grey = new BytePointer(64 * 48 * 3)) {
      w.start();
      short[] chunk = new short[rate / 10];  // 100 ms per call, like a source's audio frames
      for (int i = 0; i < seconds * 10; i++) {
        for (int j = 0; j < chunk.length; j++) {
          chunk[j] = (short) (8000 * Math.sin(2 * Math.PI * hz * (i * chunk.length + j) / rate));
        }
        w.audio(chunk, 0, chunk.length);
        w.video(grey, 64 * 3, i * 100_000L);
      }
      w.finish();
    }
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toString())) {
      g.setSampleFormat(avutil.AV_SAMPLE_FMT_S16);
      g.setSampleMode(FrameGrabber.SampleMode.SHORT);
      g.start();
      int outRate = g.getSampleRate();
      long samples = 0;
      long crossings = 0;
      boolean low = false;  // hysteresis: coding noise near zero must not count as cycles
      Frame f;
      while ((f = g.grabSamples()) != null) {
        ShortBuffer b = (ShortBuffer) f.samples[0];
        for (int i = b.position(); i < b.limit(); i++) {
          short v = b.get(i);
          if (v < -4000) low = true;
          if (low && v > 4000) {
            crossings++;
            low = false;
          }
        }
        samples += b.remaining();
      }
      // AAC adds up to two frames (priming, padding of the last frame): 2 x 1024 samples.
      assertEquals(seconds, samples / (double) outRate, 2048.0 / outRate + 0.005, "audio length in seconds at " + outRate + " Hz");
      assertEquals(hz * seconds, crossings, 3, "cycles of the tone: same pitch");
    }
  }

  /**
   * An odd frame size: H.264 (OpenH264 keeps only even sizes) is cropped by one row/column and the
   * container says so too; MPEG-4 keeps the size. Column 0 is white and the last column black, so a
   * wrong row stride would shear the picture and show.
   */
  @ParameterizedTest
  @ValueSource(strings = {"h264", "mpeg4"})
  void oddFrameSizesAreEncodedUpright(String codec) throws Exception {
    int w = 161;
    int h = 91;
    Path file = tmp.resolve("odd-" + codec + ".mkv");
    boolean h264 = codec.equals("h264");
    try (FfmpegWriter writer = new FfmpegWriter(file.toString(), new EncoderSettings("matroska", w, h, 10,
        h264 ? avcodec.AV_CODEC_ID_H264 : avcodec.AV_CODEC_ID_MPEG4, avutil.AV_PIX_FMT_YUV420P, 10, 2_000_000, 0, 0, Map.of()));
         BytePointer bgr = new BytePointer((long) w * h * 3)) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          byte v = (byte) (x < w / 2 ? 255 : 0);  // left half white, right half black
          for (int c = 0; c < 3; c++) bgr.put((long) (y * w + x) * 3 + c, v);
        }
      }
      writer.start();
      for (int i = 0; i < 10; i++) writer.video(bgr, w * 3, i * 100_000L);
      writer.finish();
    }
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toString());
         org.bytedeco.javacv.OpenCVFrameConverter.ToMat conv = new org.bytedeco.javacv.OpenCVFrameConverter.ToMat()) {
      g.start();
      int ew = h264 ? w - 1 : w;
      int eh = h264 ? h - 1 : h;
      assertEquals(ew, g.getImageWidth(), "container width");
      assertEquals(eh, g.getImageHeight(), "container height");
      org.bytedeco.opencv.opencv_core.Mat m = conv.convert(g.grabImage());
      assertEquals(ew, m.cols(), "decoded width");
      assertEquals(eh, m.rows(), "decoded height");
      org.bytedeco.javacpp.indexer.UByteIndexer px = m.createIndexer();
      for (int y : new int[] {0, eh / 2, eh - 1}) {
        assertEquals(255, px.get(y, 4, 1), 12, "white left at row " + y);
        assertEquals(0, px.get(y, ew - 4, 1), 12, "black right at row " + y);
      }
    }
  }
}
