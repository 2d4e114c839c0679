package io.segvid.capture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a --source argument into a {@link SourceSpec}:
 * <ul>
 *   <li>{@code rtsp://…}, {@code rtsps://…}: a camera or server (TCP unless told UDP; timeouts set;
 *       low-latency demuxing);</li>
 *   <li>{@code http(s)://…}, {@code srt://…}, {@code udp://…}: other network streams;</li>
 *   <li>{@code webcam:N} or {@code /dev/videoN}: a V4L2 camera;</li>
 *   <li>{@code lavfi:GRAPH}: an FFmpeg filter graph as a live camera, e.g.
 *       {@code lavfi:testsrc2=size=640x360:rate=25} (paced in real time unless the graph says otherwise);</li>
 *   <li>{@code loop:FILE}: a file looped forever and paced in real time, as a live source;</li>
 *   <li>anything else ({@code file:} optional): a video file.</li>
 * </ul>
 */
public final class Sources {

  private static final Logger LOG = LoggerFactory.getLogger(Sources.class);

  private static final Pattern DEVICE = Pattern.compile("(?:webcam:(\\d+)|(/dev/video\\d+))");

  private Sources() { }

  public static SourceSpec parse(String spec, LiveOptions live) {
    String lower = spec.toLowerCase(Locale.ROOT);
    if (lower.startsWith("rtsp://") || lower.startsWith("rtsps://")) return rtsp(spec, live);
    if (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("srt://")
        || lower.startsWith("udp://") || lower.startsWith("rtmp://")) {
      return network(spec, live);
    }
    Matcher m = DEVICE.matcher(spec);
    if (m.matches()) return webcam(m.group(1) != null ? "/dev/video" + m.group(1) : m.group(2));
    if (lower.startsWith("lavfi:")) return lavfi(spec.substring(6), spec);
    if (lower.startsWith("loop:")) return loop(Path.of(spec.substring(5)));
    Path file = Path.of(lower.startsWith("file:") ? spec.substring(5) : spec);
    return spec(file.toString(), false, () -> new FileSource(file));
  }

  public static SourceSpec parse(String spec) {
    return parse(spec, LiveOptions.DEFAULT);
  }

  private static SourceSpec rtsp(String url, LiveOptions live) {
    Map<String, String> o = lowLatency();
    o.put("rtsp_transport", live.transport());
    o.put("timeout", live.timeoutMicros());
    String name = Redact.url(url);
    return spec(name, true, () -> new FfmpegSource(url, "rtsp", o, name, true));
  }

  private static SourceSpec network(String url, LiveOptions live) {
    Map<String, String> o = lowLatency();
    o.put("rw_timeout", live.timeoutMicros());
    o.put("timeout", live.timeoutMicros());
    if (url.toLowerCase(Locale.ROOT).startsWith("udp://")) {
      // UDP keeps arriving while the model loads or a batch runs: a full receive buffer drops
      // datagrams (a glitch) rather than ending the stream.
      o.put("overrun_nonfatal", "1");
    }
    String name = Redact.url(url);
    return spec(name, true, () -> new FfmpegSource(url, null, o, name, true));
  }

  private static SourceSpec webcam(String device) {
    return spec(device, true, () -> new FfmpegSource(device, "video4linux2", Map.of(), device, true) {
      @Override
      public SourceInfo open() throws SourceException {
        // FFmpeg would fail quickly too, but a missing device deserves a plain message at once.
        if (!Files.exists(Path.of(device))) {
          throw new SourceException("no camera at " + device + " (the device does not exist)");
        }
        return super.open();
      }
    });
  }

  private static SourceSpec lavfi(String graph, String original) {
    String paced = graph.contains("realtime") || graph.contains("nopace") ? graph.replace(",nopace", "") : graph + ",realtime";
    return spec(original, true, () -> new FfmpegSource(paced, "lavfi", Map.of(), original, true));
  }

  private static SourceSpec loop(Path file) {
    String graph = "movie=" + escapeFilterPath(file.toAbsolutePath().toString())
        + ":loop=0,setpts=N/FRAME_RATE/TB,realtime";
    String name = "loop:" + file;
    AtomicBoolean lengthChecked = new AtomicBoolean();
    return spec(name, true, () -> new FfmpegSource(graph, "lavfi", Map.of(), name, true) {
      @Override
      public SourceInfo open() throws SourceException {
        FileSource.check(file);  // the plain line for a missing, empty, damaged or picture-less file
        SourceInfo info = super.open();
        if (lengthChecked.compareAndSet(false, true)) warnIfCut(file, name);
        return info;
      }
    });
  }

  /** On its own thread: reading a long file's packets takes seconds, which the first picture need not wait for. */
  private static void warnIfCut(Path file, String name) {
    Thread check = new Thread(() -> {
      String cut = CutFileCheck.shortfall(file);
      if (cut != null) LOG.warn("{}: {}; each pass of the loop ends there", name, cut);
    }, "length check of " + name);
    check.setDaemon(true);
    check.start();
  }

  /** Quoting for a path inside a filter graph argument (two levels: option value, then graph). */
  public static String escapeFilterPath(String path) {
    String level1 = path.replace("\\", "\\\\").replace(":", "\\:").replace("'", "\\'");
    return level1.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("[", "\\[").replace("]", "\\]");
  }

  private static Map<String, String> lowLatency() {
    Map<String, String> o = new LinkedHashMap<>();
    // No fflags=nobuffer: it drops the packets the probe read, the keyframe among them, so the first
    // picture would wait for the camera's next keyframe (about 0.9 s with a 1 s GOP) after every
    // (re)connect. The probe reads little (below), and stale frames are skipped downstream anyway.
    o.put("flags", "low_delay");
    o.put(FfmpegSource.QUICK_PROBE, "32768");
    o.put("analyzeduration", "0");
    return o;
  }

  private static SourceSpec spec(String name, boolean live, java.util.function.Supplier<VideoSource> factory) {
    return new SourceSpec() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean live() {
        return live;
      }

      @Override
      public VideoSource create() {
        return factory.get();
      }
    };
  }
}
