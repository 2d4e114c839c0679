package io.segvid.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.capture.SourceInfo;
import io.segvid.capture.Sources;
import io.segvid.capture.VideoSource;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.junit.jupiter.api.Test;

/**
 * segvid's own decoder against JavaCV's grabber (FFmpeg through another road) on the same inputs:
 * the same frames, pixels, timestamps and audio samples.
 */
class DecoderTest {

  @Test
  void sampleVideoDecodesToTheSamePicturesAndTimes() throws Exception {
    try (VideoSource ours = Sources.parse(Media.VIDEO.toString()).create();
         FFmpegFrameGrabber reference = grabber(Media.VIDEO.toString(), null)) {
      SourceInfo info = ours.open();
      assertEquals(reference.getImageWidth(), info.width());
      assertEquals(reference.getImageHeight(), info.height());
      assertEquals(reference.getFrameRate(), info.frameRate(), 0.01);
      assertEquals(reference.getLengthInVideoFrames(), info.estimatedFrames(), 1);
      int frames = 0;
      Frame mine;
      while ((mine = ours.grab()) != null) {
        if (mine.image == null) continue;  // its audio
        Frame theirs = reference.grabImage();
        assertNotNull(theirs, "reference ended before frame " + frames);
        assertEquals(theirs.timestamp, mine.timestamp, "timestamp of frame " + frames);
        double diff = meanAbsDiff((ByteBuffer) mine.image[0], (ByteBuffer) theirs.image[0], info.width() * info.height() * 3);
        assertTrue(diff < 0.5, "frame " + frames + " differs by " + diff + " per byte");
        frames++;
      }
      assertNull(reference.grabImage(), "frames left over after " + frames);
      assertTrue(frames > 200, frames + " frames");
    }
  }

  @Test
  void audioComesAsTheSameInterleavedSamples() throws Exception {
    String graph = "sine=frequency=440:sample_rate=22050:duration=2[out1];testsrc2=size=160x120:rate=10:duration=2[out0]";
    try (VideoSource ours = Sources.parse("lavfi:" + graph + ",nopace").create();
         FFmpegFrameGrabber reference = grabber(graph, "lavfi")) {
      SourceInfo info = ours.open();
      assertEquals(1, info.audioChannels());
      assertEquals(22050, info.sampleRate());
      long[] mine = sums(ours::grab);
      long[] theirs = sums(reference::grab);
      assertEquals(20, mine[0], "video frames");
      assertEquals(theirs[1], mine[1], "audio samples");
      assertEquals(44100, mine[1], 2048);
      assertEquals(theirs[2], mine[2], "sum of |sample|");
      assertTrue(mine[2] > 44100L * 1000, "the tone is there");
    }
  }

  private interface Grab {
    Frame grab() throws Exception;
  }

  /** Video frames, audio samples and the sum of absolute sample values. */
  private static long[] sums(Grab source) throws Exception {
    long[] s = new long[3];
    Frame f;
    while ((f = source.grab()) != null) {
      if (f.image != null) s[0]++;
      if (f.samples != null) {
        ShortBuffer b = (ShortBuffer) f.samples[0];
        for (int i = b.position(); i < b.limit(); i++) s[2] += Math.abs(b.get(i));
        s[1] += b.remaining();
      }
    }
    return s;
  }

  private static FFmpegFrameGrabber grabber(String address, String format) throws Exception {
    FFmpegFrameGrabber g = new FFmpegFrameGrabber(address);
    if (format != null) g.setFormat(format);
    g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
    g.setSampleFormat(avutil.AV_SAMPLE_FMT_S16);
    g.setSampleMode(FrameGrabber.SampleMode.SHORT);
    g.start();
    return g;
  }

  private static double meanAbsDiff(ByteBuffer a, ByteBuffer b, int n) {
    long sum = 0;
    for (int i = 0; i < n; i++) sum += Math.abs((a.get(i) & 0xff) - (b.get(i) & 0xff));
    return (double) sum / n;
  }
}
