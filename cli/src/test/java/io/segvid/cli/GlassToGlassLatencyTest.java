package io.segvid.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Glass-to-glass latency through the whole live path: a publisher stamps its wall clock into each
 * frame (40 black/white blocks) and pushes 25 fps to the RTSP server; segvid pulls it, segments it and
 * pushes the result back; a viewer pulls that and reads the stamps. Prints median and p99 and segvid's
 * drop counts (the source is faster than inference on a small CPU).
 */
class GlassToGlassLatencyTest {

  private static final int W = 640;
  private static final int H = 360;

  @TempDir
  Path tmp;

  @Test
  void measuresGlassToGlassLatency() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    try (RtspServer server = RtspServer.start()) {
      Thread publisher = new Thread(() -> guarded(() -> StampedCamera.publish(server.url("/in"), W, H, running, false)), "publisher");
      publisher.start();
      StampedCamera.awaitStream(server.url("/out"));
      try (SegvidProcess segvid = SegvidProcess.start(tmp.resolve("g2g.log"), Map.of(), "--source", server.url("/out"),
          "--sink", server.url("/seg"), "--alpha", "0.3", "--no-legend", "--no-hud")) {
        segvid.awaitMoreFrames("segvid running", 10, 90);
        Thread viewer = new Thread(() -> guarded(() -> StampedCamera.view(server.url("/segout"), running, false, (sent, now) -> latencies.add(now - sent))), "viewer");
        viewer.start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (latencies.size() < 250 && System.nanoTime() < deadline && failure.get() == null) Thread.sleep(100);
        running.set(false);
        viewer.join(15_000);
        segvid.terminate(30);
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        assertTrue(sorted.size() >= 50, "stamps read: " + sorted.size() + "\n" + segvid.logText());
        long median = sorted.get(sorted.size() / 2);
        long p99 = sorted.get((int) Math.min(sorted.size() - 1, Math.round(sorted.size() * 0.99)));
        String summary = segvid.logText().lines().filter(l -> l.contains("frames in")).findFirst().orElse("");
        System.out.printf(Locale.ROOT, "GLASS-TO-GLASS: %d frames read, median %d ms, p99 %d ms, min %d ms%nSEGVID: %s%n",
            sorted.size(), median, p99, sorted.get(0), summary);
        if (failure.get() != null) throw new AssertionError("a helper failed", failure.get());
        // Target: two frame intervals plus one inference. The test's own path adds what a camera and a
        // viewer would: the publisher's encode, two RTSP hops through the server, segvid's decode and
        // encode, the viewer's decode. Inference time as segvid measured it in this very run.
        double inferenceP99 = stageP99(segvid.logText(), "inference");
        double bound = 2 * 40 + inferenceP99 + TRANSPORT_MS;
        System.out.printf(Locale.ROOT, "GLASS-TO-GLASS bound: 2 x 40 + inference p99 %.1f + transport %d = %.0f ms%n",
            inferenceP99, TRANSPORT_MS, bound);
        assertTrue(p99 <= bound, "p99 " + p99 + " ms over the bound " + bound + " ms (median " + median + ")");
      } finally {
        running.set(false);
        publisher.join(10_000);
      }
    }
  }

  /** What the test's own encode, decode and RTSP hops may add (measured ~20-50 ms here, under 100 ms with the machine busy). */
  private static final int TRANSPORT_MS = 250;
  private final java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();

  /** Runs a helper thread's body; its failure fails the test instead of dying with the thread. */
  private void guarded(Runnable body) {
    try {
      body.run();
    } catch (Throwable t) {
      failure.compareAndSet(null, t);
    }
  }

  /** The p99 of one stage from segvid's closing summary ("  inference   p50 p95 p99 mean"). */
  static double stageP99(String log, String stage) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\s+" + stage
        + "\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)\\s*$").matcher(log);
    if (!m.find()) throw new AssertionError("no " + stage + " latency in the summary: " + log);
    return Double.parseDouble(m.group(3));
  }



}
