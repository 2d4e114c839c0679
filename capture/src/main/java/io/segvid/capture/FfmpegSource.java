package io.segvid.capture;

import java.util.Map;
import org.bytedeco.javacv.Frame;

/**
 * Any input FFmpeg opens: a file (any container and codec), an RTSP/HTTP stream, a V4L2 device or a
 * lavfi graph. Subclasses decide the address, format and options; this class owns the decoder.
 */
public class FfmpegSource implements VideoSource {

  /** The option that marks a brief first probe (see {@link #open()}). */
  public static final String QUICK_PROBE = "probesize";
  private static final String NO_VIDEO = "no video stream";

  private final String address;
  private final String format;
  private final Map<String, String> options;
  private final String displayName;
  private final boolean live;
  private FfmpegDecoder decoder;

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
    try {
      return openWith(options);
    } catch (SourceException e) {
      // A live stream is first probed briefly so that it starts at once. A stream whose first
      // keyframe (and so its picture size) comes later than that probe, such as MPEG-TS over
      // UDP/SRT/HTTP or a camera that sends no sprop-parameter-sets, gets FFmpeg's full probe.
      if (!e.getMessage().startsWith(NO_VIDEO) || !options.containsKey(QUICK_PROBE)) throw describe(e);
      Map<String, String> fullProbe = new java.util.LinkedHashMap<>(options);
      fullProbe.remove(QUICK_PROBE);
      fullProbe.remove("analyzeduration");
      try {
        return openWith(fullProbe);
      } catch (SourceException again) {
        throw describe(again);
      }
    }
  }

  private SourceInfo openWith(Map<String, String> openOptions) throws SourceException {
    FfmpegDecoder d = new FfmpegDecoder();
    try {
      SourceInfo info = d.open(address, format, openOptions, live, live);
      decoder = d;
      return info;
    } catch (SourceException | RuntimeException e) {
      d.close();
      throw new SourceException(reason(e));
    }
  }

  private SourceException describe(SourceException e) {
    String why = e.getMessage();
    return new SourceException(why.startsWith(NO_VIDEO) ? displayName + " has " + why : "cannot open " + displayName + ": " + why);
  }

  @Override
  public Frame grab() throws SourceException {
    if (decoder == null) throw new IllegalStateException("source not open");
    try {
      return decoder.next();
    } catch (SourceException | RuntimeException e) {
      throw new SourceException("reading " + displayName + " failed: " + reason(e));
    }
  }

  @Override
  public void close() {
    if (decoder != null) {
      decoder.close();
      decoder = null;
    }
  }

  static String reason(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return Redact.url(m.lines().filter(l -> !l.isBlank()).findFirst().orElse(m).strip());
  }
}
