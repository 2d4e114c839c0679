package io.segvid.pipeline.sink;

import io.segvid.capture.Redact;
import io.segvid.config.LiveConfig;
import io.segvid.inference.ModelMetadata;
import io.segvid.pipeline.stage.Reconnect;
import io.segvid.pipeline.stage.StreamContext;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
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
  private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
  private FFmpegFrameRecorder recorder;
  private StreamContext stream;
  private long startNanos;
  private int failures;
  private long retryAtNanos;
  private volatile long connects;

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
  public void open(StreamContext stream, ModelMetadata metadata) {
    this.stream = stream;
    startWorker("segvid-rtsp-out");
  }

  @Override
  protected void deliver(Mat frame, long index, long captureNanos, long timestampMicros) throws Exception {
    if (recorder == null) {
      if (System.nanoTime() < retryAtNanos) return;  // backing off: this frame is dropped
      try {
        connect(frame.cols(), frame.rows());
      } catch (Exception e) {
        scheduleRetry("cannot publish to " + name + ": " + firstLine(e));
        return;
      }
    }
    try {
      long t = (captureNanos - startNanos) / 1000;
      if (t > recorder.getTimestamp()) recorder.setTimestamp(t);
      recorder.record(converter.convert(frame), avutil.AV_PIX_FMT_BGR24);
      failures = 0;
    } catch (Exception e) {
      disconnect();
      scheduleRetry("publishing to " + name + " failed: " + firstLine(e));
    }
  }

  private void connect(int width, int height) throws Exception {
    FFmpegFrameRecorder r = new FFmpegFrameRecorder(url, width, height, 0);
    double fps = stream.info().frameRate();
    r.setFormat("rtsp");
    r.setOption("rtsp_transport", live.transport());
    r.setOption("timeout", Long.toString((long) (live.timeoutSeconds() * 1_000_000)));
    r.setVideoCodec(avcodec.AV_CODEC_ID_H264);
    r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
    r.setFrameRate(fps);
    r.setGopSize(Math.max(1, (int) Math.round(fps)));  // a new viewer gets a picture within a second
    r.setVideoBitrate((int) Math.min(20_000_000, width * (long) height * fps * 0.1));
    try {
      r.start();
    } catch (Exception e) {
      try {
        r.release();
      } catch (Exception ignored) {
        // failing anyway
      }
      throw e;
    }
    recorder = r;
    startNanos = System.nanoTime();
    connects++;
    if (connects > 1 || failures > 0) LOG.info("{}: publishing again", name);
  }

  private void scheduleRetry(String why) {
    long delay = reconnect.delayMillis(failures++);
    retryAtNanos = System.nanoTime() + delay * 1_000_000;
    LOG.warn("{}; retrying in {} ms", why, delay);
  }

  private void disconnect() {
    if (recorder != null) {
      try {
        recorder.release();
      } catch (Exception ignored) {
        // the connection is gone already
      }
      recorder = null;
    }
  }

  @Override
  public void finish() {
    stopWorker();
  }

  @Override
  public void close() {
    stopWorker();
    if (!workerRunning()) {  // a worker blocked on a frozen server keeps its recorder
      disconnect();
      converter.close();
      releaseFrames();
    }
  }

  private static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return Redact.url(m.lines().findFirst().orElse(m));
  }

}
