package io.segvid.output;

import io.segvid.capture.Redact;
import io.segvid.config.LiveConfig;
import io.segvid.inference.ModelMetadata;
import io.segvid.capture.Reconnect;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the segmented video to an RTSP server (H.264 via OpenH264, over TCP by default). When the
 * server goes away or stops answering, it keeps the pipeline running, drops frames meanwhile and
 * reconnects with backoff. Timestamps follow the capture clock so the stream plays in real time.
 */
public final class RtspSink extends LatestFrameSink {

  private static final Logger LOG = LoggerFactory.getLogger(RtspSink.class);

  private final String url;
  private final String name;
  private final LiveConfig live;
  private final Reconnect reconnect;
  private FfmpegWriter writer;
  /** Pointers to the two mailbox Mats LatestFrameSink alternates, made once per Mat and size. */
  private final RenderedViews views = new RenderedViews();
  private SinkContext stream;
  /** captureNanos of the first frame sent on the current connection; -1 before it. */
  private long startNanos = -1;
  /** Size of the frames last delivered (the writer's size while connected); 0 before the first. */
  private int width;
  private int height;
  private int failures;
  private long retryAtNanos;
  private volatile long connects;
  private long connectedNanos;

  public RtspSink(String url, LiveConfig live) {
    this.url = url;
    this.name = Redact.url(url);
    this.live = live;
    this.reconnect = Reconnect.of(live);
  }

  @Override
  public String describe() {
    return name;
  }

  @Override
  public void check() { }

  @Override
  public void open(SinkContext stream, ModelMetadata metadata) {
    this.stream = stream;
    startWorker("segvid-rtsp-out");
  }

  @Override
  protected void deliver(Mat frame, long index, long captureNanos, long timestampMicros) throws Exception {
    if (writer != null && (frame.cols() != width || frame.rows() != height)) disconnect();  // the source came back resized
    width = frame.cols();
    height = frame.rows();
    if (writer == null) {
      if (System.nanoTime() < retryAtNanos) return;  // backing off: this frame is dropped
      try {
        connect();
      } catch (Exception e) {
        scheduleRetry("cannot publish to " + name + ": " + firstLine(e));
        return;
      }
    }
    try {
      // Timestamps start at the first frame sent on this connection, even one made idle long before:
      // a stream that opens with a gap makes the server and its viewers wait it out.
      boolean first = startNanos < 0;
      if (first) startNanos = captureNanos;
      writer.video(views.data(frame), frame.cols() * 3, Math.max(0, captureNanos - startNanos) / 1000);
      failures = 0;
      if (first && connects > 1) {
        LOG.info("{}: first frame published {} ms after connecting", name, (System.nanoTime() - connectedNanos) / 1_000_000);
      }
    } catch (Exception e) {
      disconnect();
      scheduleRetry("publishing to " + name + " failed: " + firstLine(e));
    }
  }

  /**
   * While no frames come (the camera is away too, or the pipeline is between frames) a lost server
   * is reconnected ahead of them, at the backoff's pace: when frames resume the stream is already
   * published and viewers are already connected, instead of paying for the connection then.
   */
  @Override
  protected void idle() {
    if (writer != null || width == 0 || System.nanoTime() < retryAtNanos) return;
    try {
      connect();
    } catch (Exception e) {
      scheduleRetry("cannot publish to " + name + ": " + firstLine(e));
    }
  }

  /** Publishes at the size of the frames last delivered. */
  private void connect() throws Exception {
    double fps = stream.info().frameRate();
    Map<String, String> options = new LinkedHashMap<>();
    options.put("rtsp_transport", live.transport());
    options.put("timeout", Long.toString((long) (live.timeoutSeconds() * 1_000_000)));
    FfmpegWriter w = new FfmpegWriter(url, new EncoderSettings("rtsp", width, height, fps, avcodec.AV_CODEC_ID_H264,
        avutil.AV_PIX_FMT_YUV420P, Math.max(1, (int) Math.round(fps / 2)),  // a new viewer gets a picture within 0.5 s
        (long) Math.min(20_000_000, width * (long) height * fps * 0.1), 0, 0, options,
        500_000));  // and every 0.5 s of stream time, however few frames a live source delivers
    try {
      w.start();
    } catch (Exception e) {
      w.close();
      throw e;
    }
    writer = w;
    connectedNanos = System.nanoTime();
    startNanos = -1;
    connects++;
    if (connects > 1 || failures > 0) LOG.info("{}: publishing again", name);
    failures = 0;  // a connection that then fails is retried at the backoff's start, not its cap
  }

  private void scheduleRetry(String why) {
    long delay = reconnect.delayMillis(failures++);
    retryAtNanos = System.nanoTime() + delay * 1_000_000;
    LOG.warn("{}; retrying in {} ms", why, delay);
  }

  private void disconnect() {
    if (writer != null) {
      writer.close();
      writer = null;
    }
  }

  @Override
  public void finish() {
    stopWorker();
  }

  @Override
  public void close() {
    stopWorker();
    if (!workerRunning()) {  // a worker blocked on a frozen server keeps its writer
      disconnect();
      views.close();
      releaseFrames();
    }
  }

  private static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return Redact.url(m.lines().findFirst().orElse(m));
  }

}
