package io.segvid.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;

/** Reads back real media files for assertions (the grabber is FFmpeg's own demuxer and decoders). */
public final class Media {

  public static final Path MODEL = Path.of("../samples/models/camvid");
  public static final Path VIDEO = Path.of("../samples/video/highway-960x540.mp4");

  /** What a file holds: video frame timestamps (µs), frame size, audio facts. */
  public record Probe(List<Long> videoTimestamps, int width, int height, int audioChannels, int sampleRate,
                      long audioSamples) {
    public int frames() {
      return videoTimestamps.size();
    }
  }

  private Media() { }

  /**
   * The first 30 % of the sample's bytes, as a copy or download that stopped would leave it. The
   * sample keeps its index at the front, so the copy still opens and its header still says 8.8 s.
   */
  public static Path cutCopyOfVideo(Path target) throws IOException {
    byte[] all = Files.readAllBytes(VIDEO);
    return Files.write(target, Arrays.copyOf(all, all.length * 3 / 10));
  }

  public static Probe probe(Path file) throws Exception {
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toString())) {
      g.start();
      List<Long> ts = new ArrayList<>();
      long samples = 0;
      Frame f;
      while (true) {
        try {
          f = g.grab();
        } catch (FFmpegFrameGrabber.Exception e) {
          break;  // a cut-off file ends in a partial packet
        }
        if (f == null) break;
        if (f.image != null) ts.add(f.timestamp);
        if (f.samples != null) samples += f.samples[0].limit() / Math.max(1, g.getAudioChannels() > 0 && f.samples.length == 1 ? g.getAudioChannels() : 1);
      }
      return new Probe(ts, g.getImageWidth(), g.getImageHeight(), g.hasAudio() ? g.getAudioChannels() : 0,
          g.getSampleRate(), samples);
    }
  }

  /** Re-encodes the first {@code maxFrames} frames of a video (video only); returns how many were written. */
  public static int reencode(Path src, Path dst, String format, int codecId, int maxFrames) throws Exception {
    int n = 0;
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(src.toString())) {
      g.start();
      try (org.bytedeco.javacv.FFmpegFrameRecorder r =
               new org.bytedeco.javacv.FFmpegFrameRecorder(dst.toString(), g.getImageWidth(), g.getImageHeight(), 0)) {
        r.setFormat(format);
        r.setVideoCodec(codecId);
        r.setFrameRate(g.getFrameRate());
        r.setVideoBitrate(4_000_000);
        r.start();
        Frame f;
        while (n < maxFrames && (f = g.grabImage()) != null) {
          r.record(f);
          n++;
        }
        r.stop();
      }
    }
    return n;
  }
}
