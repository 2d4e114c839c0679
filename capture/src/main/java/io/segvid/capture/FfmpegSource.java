package io.segvid.capture;

import java.util.Map;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Any input FFmpeg opens: a file (any container and codec), an RTSP/HTTP stream, a V4L2 device or a
 * lavfi graph. Subclasses decide the address, format and options; this class owns the grabber.
 */
public class FfmpegSource implements VideoSource {

  private final String address;
  private final String format;
  private final Map<String, String> options;
  private final String displayName;
  private final boolean live;
  private FFmpegFrameGrabber grabber;

  public FfmpegSource(String address, String format, Map<String, String> options, String displayName, boolean live) {
    this.address = address;
    this.format = format;
    this.options = Map.copyOf(options);
    this.displayName = displayName;
    this.live = live;
  }

  @Override
  public String name() {
    return displayName;
  }

  @Override
  public SourceInfo open() throws SourceException {
    close();
    FFmpegFrameGrabber g = new FFmpegFrameGrabber(address);
    if (format != null) g.setFormat(format);
    options.forEach(g::setOption);
    // Frame-threaded decoding holds frames back (one per extra thread): live sources decode on one.
    if (live) g.setVideoOption("threads", "1");
    g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
    g.setSampleFormat(avutil.AV_SAMPLE_FMT_S16);
    g.setSampleMode(FrameGrabber.SampleMode.SHORT);
    try {
      g.start();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      closeQuietly(g);
      throw new SourceException("cannot open " + displayName + ": " + reason(e));
    }
    if (g.getImageWidth() <= 0 || g.getImageHeight() <= 0) {
      closeQuietly(g);
      throw new SourceException(displayName + " has no video stream");
    }
    grabber = g;
    double fps = g.getFrameRate() > 0 && g.getFrameRate() < 1000 ? g.getFrameRate() : 25.0;
    long frames = live ? 0 : Math.max(0, g.getLengthInVideoFrames());
    int channels = g.hasAudio() ? g.getAudioChannels() : 0;
    return new SourceInfo(g.getImageWidth(), g.getImageHeight(), fps, channels, g.getSampleRate(), frames, live);
  }

  @Override
  public Frame grab() throws SourceException {
    if (grabber == null) throw new IllegalStateException("source not open");
    try {
      return grabber.grab();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      throw new SourceException("reading " + displayName + " failed: " + reason(e));
    }
  }

  @Override
  public void close() {
    if (grabber != null) {
      closeQuietly(grabber);
      grabber = null;
    }
  }

  private static void closeQuietly(FFmpegFrameGrabber g) {
    try {
      g.close();
    } catch (Exception ignored) {
      // Closing a half-opened grabber can fail; nothing is left to release.
    }
  }

  static String reason(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return Redact.url(m.lines().filter(l -> !l.isBlank()).findFirst().orElse(m).strip());
  }
}
