package io.segvid.output;

import io.segvid.config.LiveConfig;
import io.segvid.config.RecordingConfig;
import java.nio.file.Path;

/** Turns a --sink argument into a {@link FrameSink}. */
public final class Sinks {

  public static final String USAGE =
      "file:PATH(.mp4|.mkv|.mov|.ts), masks:DIR, stats:FILE.jsonl, preview:FILE.png[@N], window, rtsp://HOST:PORT/PATH, http://127.0.0.1:PORT, kafka://HOST:PORT/TOPIC";

  private Sinks() { }

  public static FrameSink parse(String spec, RecordingConfig recording, LiveConfig live,
                                Runnable onWindowClosed) {
    String lower = spec.toLowerCase(java.util.Locale.ROOT);
    if (lower.startsWith("rtsp://") || lower.startsWith("rtsps://")) return new RtspSink(spec, live);
    if (lower.startsWith("http://")) {
      try {
        return new BrowserSink(new java.net.URI(spec));
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException("bad browser sink address '" + spec + "': " + e.getReason());
      }
    }
    int colon = spec.indexOf(':');
    String kind = colon < 0 ? spec : spec.substring(0, colon);
    String arg = colon < 0 ? "" : spec.substring(colon + 1);
    return switch (kind) {
      case "file" -> new RecordingSink(path(arg, spec), recording);
      case "masks" -> new MaskFolderSink(path(arg, spec));
      case "stats" -> new StatsSink(path(arg, spec));
      case "window" -> new WindowSink(onWindowClosed);
      case "preview" -> {
        int at = arg.lastIndexOf('@');
        long index = -1;
        if (at > 0) {
          try {
            index = Long.parseLong(arg.substring(at + 1));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("sink '" + spec + "': frame number after @ must be an integer");
          }
          arg = arg.substring(0, at);
        }
        yield new PreviewSink(path(arg, spec), index);
      }
      default -> throw new IllegalArgumentException("unknown sink '" + spec + "' (expected " + USAGE + ")");
    };
  }

  private static Path path(String arg, String spec) {
    if (arg.isBlank()) throw new IllegalArgumentException("sink '" + spec + "' needs a path after the colon");
    return Path.of(arg);
  }
}
