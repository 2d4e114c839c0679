package io.segvid.output;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.segvid.inference.ClassInfo;
import io.segvid.inference.ModelMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A browser view: {@code /} is a page with the live video, the class legend and live metrics;
 * {@code /stream.mjpg} the MJPEG stream; {@code /snapshot.jpg} the latest frame; {@code /metrics.json}
 * the figures the page shows. Binds to the host of the URL (127.0.0.1 unless told otherwise).
 */
public final class BrowserSink extends LatestFrameSink {

  private static final Logger LOG = LoggerFactory.getLogger(BrowserSink.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BOUNDARY = "segvidframe";
  private static final byte[] CRLF = "\r\n".getBytes(StandardCharsets.US_ASCII);

  private final URI uri;
  private final SharedJpeg latest = new SharedJpeg();
  private final BytePointer jpegBuffer = new BytePointer();
  private final org.bytedeco.javacpp.IntPointer jpegParams = new org.bytedeco.javacpp.IntPointer(IMWRITE_JPEG_QUALITY, 80);
  private HttpServer server;
  private ExecutorService executor;
  private ModelMetadata metadata;
  private SinkContext stream;
  private volatile boolean stopping;

  public BrowserSink(URI uri) {
    this.uri = uri;
  }

  @Override
  public String describe() {
    return "http://" + uri.getHost() + ":" + uri.getPort();
  }

  @Override
  public void check() throws IOException {
    if (uri.getHost() == null || uri.getPort() < 0) {
      throw new IOException("browser sink needs host and port, e.g. http://127.0.0.1:8080 (got " + uri + ")");
    }
  }

  @Override
  public void open(SinkContext stream, ModelMetadata metadata) throws IOException {
    this.stream = stream;
    this.metadata = metadata;
    try {
      server = HttpServer.create(new InetSocketAddress(uri.getHost(), uri.getPort()), 16);
    } catch (IOException e) {
      throw new IOException("cannot serve the browser view on " + describe() + ": " + e.getMessage());
    }
    executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "segvid-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::page);
    server.createContext("/stream.mjpg", this::mjpeg);
    server.createContext("/snapshot.jpg", this::snapshot);
    server.createContext("/metrics.json", this::metrics);
    server.start();
    LOG.info("browser view at http://{}:{}/", uri.getHost(), server.getAddress().getPort());
    startWorker("segvid-http-encode");
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  protected void deliver(Mat frame, long index, long captureNanos, long timestampMicros) {
    if (imencode(".jpg", frame, jpegBuffer, jpegParams)) latest.publish(jpegBuffer);
  }

  private void page(HttpExchange ex) throws IOException {
    if (!ex.getRequestURI().getPath().equals("/")) {
      send(ex, 404, "text/plain", "not found\n".getBytes(StandardCharsets.UTF_8));
      return;
    }
    String html;
    try (InputStream in = BrowserSink.class.getResourceAsStream("view.html")) {
      html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    StringBuilder legend = new StringBuilder();
    for (ClassInfo c : metadata.classes()) {
      legend.append(String.format("<li><span class=\"sw\" style=\"background:rgb(%d,%d,%d)\"></span>%s</li>",
          c.red(), c.green(), c.blue(), escape(c.name())));
    }
    html = html.replace("{{title}}", escape(stream.name())).replace("{{legend}}", legend);
    send(ex, 200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
  }

  private void snapshot(HttpExchange ex) throws IOException {
    SharedJpeg.Held frame;
    try {
      frame = latest.acquireNewer(-1, 5000, () -> stopping);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      frame = null;
    }
    if (frame == null) {
      send(ex, 503, "text/plain", "no frame yet\n".getBytes(StandardCharsets.UTF_8));
      return;
    }
    try {
      send(ex, 200, "image/jpeg", frame.bytes(), frame.length());
    } finally {
      latest.release(frame);
    }
  }

  private void mjpeg(HttpExchange ex) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "multipart/x-mixed-replace; boundary=" + BOUNDARY);
    ex.getResponseHeaders().set("Cache-Control", "no-cache, no-store");
    ex.sendResponseHeaders(200, 0);
    long seen = -1;
    MultipartHeader header = new MultipartHeader(BOUNDARY, "image/jpeg");
    try (OutputStream out = ex.getResponseBody()) {
      while (!stopping) {
        SharedJpeg.Held frame = latest.acquireNewer(seen, 1000, () -> stopping);
        if (frame == null) continue;
        try {
          seen = frame.version();
          out.write(header.forLength(frame.length()).bytes(), 0, header.length());
          out.write(frame.bytes(), 0, frame.length());
          out.write(CRLF);
          out.flush();
        } finally {
          latest.release(frame);
        }
      }
    } catch (IOException | InterruptedException e) {
      // the viewer went away
    }
  }

  private void metrics(HttpExchange ex) throws IOException {
    StreamMeters meters = stream.meters();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("stream", stream.name());
    m.put("frames_captured", (long) meters.captured().count());
    m.put("frames_rendered", (long) meters.rendered().count());
    m.put("frames_dropped", meters.droppedCount());
    m.put("fps", round(fps(meters)));
    Timer latency = meters.latency();
    for (ValueAtPercentile v : latency.takeSnapshot().percentileValues()) {
      m.put("latency_ms_p" + Math.round(v.percentile() * 100), round(v.value(TimeUnit.MILLISECONDS)));
    }
    m.put("viewer_skipped", skipped());
    send(ex, 200, "application/json", JSON.writeValueAsBytes(m));
  }

  private long lastCount;
  private long lastNanos;
  private double lastFps;

  private synchronized double fps(StreamMeters meters) {
    long now = System.nanoTime();
    long count = (long) meters.rendered().count();
    if (lastNanos != 0 && now - lastNanos > 500_000_000L) {
      lastFps = (count - lastCount) * 1e9 / (now - lastNanos);
      lastCount = count;
      lastNanos = now;
    } else if (lastNanos == 0) {
      lastCount = count;
      lastNanos = now;
    }
    return lastFps;
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    send(ex, status, type, body, body.length);
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body, int length) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("Cache-Control", "no-cache");
    ex.sendResponseHeaders(status, length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body, 0, length);
    }
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  @Override
  public void finish() {
    shutdown();
  }

  @Override
  public void close() {
    shutdown();
    if (!workerRunning()) {
      jpegBuffer.close();
      jpegParams.close();
    }
    releaseFrames();
  }

  private void shutdown() {
    stopping = true;
    latest.wakeAll();
    stopWorker();
    if (server != null) {
      server.stop(0);
      server = null;
    }
    if (executor != null) executor.shutdownNow();
  }

}
