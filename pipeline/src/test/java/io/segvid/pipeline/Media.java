package io.segvid.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
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
}
