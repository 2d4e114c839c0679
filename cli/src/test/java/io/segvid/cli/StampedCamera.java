package io.segvid.cli;

import java.time.LocalTime;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * A test camera that stamps its wall clock into each frame (40 black/white blocks) and publishes
 * 25 fps H.264 over RTSP, and a viewer that reads the stamps back: glass-to-glass latency per frame.
 * With {@code retry}, both reconnect whenever the server goes away (fault tests).
 */
final class StampedCamera {

  static final int BITS = 40;
  /** Wall-clock ms of the publisher's latest (re)connection: when the camera is back on the server. */
  static final java.util.concurrent.atomic.AtomicLong CONNECTED = new java.util.concurrent.atomic.AtomicLong();
  /** What the camera and the viewer did and when (connections, first frames, failures): a slow recovery's timeline. */
  static final Queue<String> EVENTS = new ConcurrentLinkedQueue<>();
  /** Each party's last event, to count repeats. */
  private static final Map<String, Repeat> LAST = new HashMap<>();
  private static final int BLOCK = 16;

  /** Called per frame the viewer reads: the stamp's send time and the read time, wall-clock ms. */
  interface Stamp {
    void read(long sentMillis, long nowMillis);
  }

  private StampedCamera() { }

  static void publish(String url, int width, int height, AtomicBoolean running, boolean retry) {
    while (running.get()) {
      try {
        publishOnce(url, width, height, running);
        return;
      } catch (Exception e) {
        if (!retry && running.get()) throw new IllegalStateException("publisher failed", e);
        event("camera", firstLine(e));
        pause(100);
      }
    }
  }

  static void view(String url, AtomicBoolean running, boolean retry, Stamp stamp) {
    while (running.get()) {
      try {
        viewOnce(url, running, stamp);
        if (!retry) return;
      } catch (Exception e) {
        if (!retry && running.get()) throw new IllegalStateException("viewer failed", e);
        event("viewer", firstLine(e));
      }
      pause(100);
    }
  }

  /** Waits until the server re-serves the publisher's stream. */
  static void awaitStream(String url) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(url)) {
        g.setOption("rtsp_transport", "tcp");
        g.setOption("timeout", "3000000");
        g.start();
        if (g.grabImage() != null) return;
      } catch (Exception e) {
        if (System.nanoTime() > deadline) throw new AssertionError("publisher's stream never appeared at " + url, e);
        pause(500);
      }
    }
  }

  private static void publishOnce(String url, int width, int height, AtomicBoolean running) throws Exception {
    try (Mat frame = new Mat(height, width, opencv_core.CV_8UC3);
         OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat();
         FFmpegFrameRecorder r = new FFmpegFrameRecorder(url, width, height, 0)) {
      r.setFormat("rtsp");
      r.setOption("rtsp_transport", "tcp");
      r.setVideoCodec(avcodec.AV_CODEC_ID_H264);
      r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      r.setFrameRate(25);
      r.setGopSize(25);
      r.setVideoBitrate(2_000_000);
      String took = timed(r::startUnsafe);  // start() holds JavaCV's global FFmpeg lock: a viewer's slow open would hold the camera
      CONNECTED.set(System.currentTimeMillis());
      event("camera", "publishing" + took);
      long start = System.nanoTime();
      for (int n = 0; running.get(); n++) {
        long due = start + n * 40_000_000L;
        while (System.nanoTime() < due) Thread.sleep(1);
        frame.put(new Scalar(90, 120 + (n % 50), 60, 0));
        stamp(frame, System.currentTimeMillis());
        long t = (System.nanoTime() - start) / 1000;
        if (t > r.getTimestamp()) r.setTimestamp(t);
        r.record(conv.convert(frame), avutil.AV_PIX_FMT_BGR24);
      }
      r.stop();
    }
  }

  private static void viewOnce(String url, AtomicBoolean running, Stamp stamp) throws Exception {
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(url); OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat()) {
      g.setOption("rtsp_transport", "tcp");
      g.setOption("timeout", "5000000");
      g.setOption("fflags", "nobuffer");
      g.setOption("flags", "low_delay");
      g.setVideoOption("threads", "1");
      // A viewer that joins fast: the stream's SDP carries its size, no need for FFmpeg's 5 s analysis.
      g.setOption("analyzeduration", "100000");
      g.setOption("probesize", "100000");
      g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
      String took = timed(g::startUnsafe);  // see publishOnce
      event("viewer", "playing" + took);
      Frame f;
      boolean first = true;
      while (running.get() && (f = g.grabImage()) != null) {
        long now = System.currentTimeMillis();
        if (first) event("viewer", "first frame");
        first = false;
        long low = read(conv.convert(f));
        // The stamp keeps the low 40 bits of the sender's clock: put the high bits back.
        long sent = (now & ~((1L << BITS) - 1)) | low;
        if (sent > now + 1000) sent -= 1L << BITS;
        if (now - sent >= 0 && now - sent < 60_000) stamp.read(sent, now);
      }
      if (running.get()) event("viewer", "stream ended");
    }
  }

  /** Adds an event; one the same party just reported again (a refused connection every 100 ms) is counted instead. */
  private static synchronized void event(String party, String what) {
    Repeat last = LAST.get(party);
    if (last != null && last.what.equals(what)) {
      last.times++;
      return;
    }
    LocalTime now = LocalTime.now();
    if (last != null && last.times > 0) EVENTS.add(now + " " + party + ": the same " + last.times + " more times until now");
    LAST.put(party, new Repeat(what));
    EVENTS.add(now + " " + party + ": " + what);
  }

  private static final class Repeat {
    final String what;
    int times;

    Repeat(String what) {
      this.what = what;
    }
  }

  /** A connection's opening step. */
  private interface Opening {
    void run() throws Exception;
  }

  /** Runs an opening; how long it took, when long enough to matter in a timeline, ends its success text or its failure. */
  private static String timed(Opening opening) throws Exception {
    long started = System.nanoTime();
    try {
      opening.run();
    } catch (Exception e) {
      throw new Exception(firstLine(e) + slow(started), e);
    }
    return slow(started);
  }

  private static String slow(long startedNanos) {
    long ms = (System.nanoTime() - startedNanos) / 1_000_000;
    return ms < 1000 ? "" : String.format(Locale.ROOT, " (after %.1f s connecting)", ms / 1000.0);
  }

  /** The message's first line without FFmpeg's hints ("(For more details, ...)"). */
  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    m = m.lines().findFirst().orElse(m);
    int hint = m.indexOf(" (Has setFormat");
    if (hint < 0) hint = m.indexOf(" (For more details");
    return hint < 0 ? m : m.substring(0, hint);
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The stamp's row: low in the picture, where the HUD and legend do not reach. */
  private static int stampY(Mat frame) {
    return frame.rows() - 60;
  }

  static void stamp(Mat frame, long millis) {
    int stampY = stampY(frame);
    try (UByteIndexer px = frame.createIndexer()) {
      for (int b = 0; b < BITS; b++) {
        int v = ((millis >> b) & 1) == 1 ? 255 : 0;
        for (int y = stampY; y < stampY + BLOCK; y++) {
          for (int x = b * BLOCK; x < (b + 1) * BLOCK; x++) {
            for (int c = 0; c < 3; c++) px.put(y, x, c, v);
          }
        }
      }
    }
  }

  static long read(Mat frame) {
    int stampY = stampY(frame);
    long millis = 0;
    try (UByteIndexer px = frame.createIndexer()) {
      for (int b = 0; b < BITS; b++) {
        int sum = 0;
        for (int y = stampY + 4; y < stampY + BLOCK - 4; y++) {
          for (int x = b * BLOCK + 4; x < (b + 1) * BLOCK - 4; x++) sum += (px.get(y, x, 0) + px.get(y, x, 1) + px.get(y, x, 2)) / 3;
        }
        if (sum / 64 > 128) millis |= 1L << b;
      }
    }
    return millis;
  }
}
