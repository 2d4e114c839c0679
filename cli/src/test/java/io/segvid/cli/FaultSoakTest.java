package io.segvid.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live relay under repeated camera faults, against a real GStreamer RTSP server: a stamped test
 * camera publishes to the server, segvid relays it (segmented) back to the server, a viewer reads the
 * stamps. At random intervals the server (with the camera's connection) is killed and restarted, or
 * frozen (SIGSTOP) and resumed. Per fault: the time from the camera's return (its publisher on the
 * server again) to the first segmented frame the viewer sees that the camera sent after it returned. Per minute: glass-to-glass latency
 * and segvid's resident memory, with the Java heap's committed size beside it (what is left is native).
 * The report ends with the camera's and the viewer's own timeline (connections, first frames,
 * failures; a connection that took over a second says how long) beside segvid's log lines, so a slow
 * recovery shows whose time it was. The camera and the viewer open without JavaCV's global start
 * lock: with it, a viewer's open waiting ~10 s on the relaunched server held the camera's reconnection
 * for as long (the server's debug log, GST_DEBUG=rtspclient:5, showed no connection from the camera
 * until the viewer's open gave up).
 *
 * <p>CI runs a short version (3 faults). The long soak, ~10 minutes and 24 faults:
 * {@code ./segvid test -pl cli -am -Dtest=FaultSoakTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dsoak.faults=24 -Dsoak.gap=15:30 -Dsoak.width=1280 -Dsoak.height=720}
 */
class FaultSoakTest {

  static final int FAULTS = Integer.getInteger("soak.faults", 3);
  static final String[] GAP = System.getProperty("soak.gap", "4:8").split(":");
  static final int WIDTH = Integer.getInteger("soak.width", 640);
  static final int HEIGHT = Integer.getInteger("soak.height", 360);
  /** The target is 3 s (the long soak meets it); CI machines are slower and busier, so the short run allows 8 s: the old backoff took ~11 s. */
  static final double RECOVERY_BOUND_S = Double.parseDouble(System.getProperty("soak.recovery_bound", "8"));

  @TempDir
  Path tmp;

  private int metricsPort;

  @Test
  void everyFaultRecoversAndNothingGrows() throws Exception {
    Random random = new Random(Long.getLong("soak.seed", 7));
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong lastSent = new AtomicLong();
    List<long[]> samples = Collections.synchronizedList(new ArrayList<>());  // {read time, latency}
    List<long[]> rss = new ArrayList<>();  // {time, kB}
    List<Double> recoveries = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    long t0 = System.currentTimeMillis();
    try (RtspServer server = RtspServer.start()) {
      Thread camera = new Thread(() -> StampedCamera.publish(server.url("/in"), WIDTH, HEIGHT, running, true), "camera");
      camera.start();
      StampedCamera.awaitStream(server.url("/out"));
      int metricsPort = RtspServer.freePort();
      try (SegvidProcess segvid = SegvidProcess.start(tmp.resolve("soak.log"), Map.of(), "--source", server.url("/out"),
          "--sink", server.url("/seg"), "--alpha", "0.3", "--no-legend", "--no-hud",
          "--metrics-port", Integer.toString(metricsPort))) {
        this.metricsPort = metricsPort;
        segvid.awaitMoreFrames("segvid relaying", 10, 90);
        Thread viewer = new Thread(() -> StampedCamera.view(server.url("/segout"), running, true, (sent, now) -> {
          lastSent.accumulateAndGet(sent, Math::max);
          samples.add(new long[] {now, now - sent});
        }), "viewer");
        viewer.start();
        try {
          awaitView(lastSent, System.currentTimeMillis(), 60);
          for (int i = 0; i < FAULTS; i++) {
            sleepSampling(segvid, rss, 1000L * between(random, Integer.parseInt(GAP[0]), Integer.parseInt(GAP[1])));
            int type = i % 3;  // kill and come back later, freeze, kill and come back at once
            int seconds = type == 0 ? between(random, 1, 5) : type == 1 ? between(random, 2, 5) : 0;
            String kind = type == 1 ? "freeze for " + seconds + " s" : "kill, back after " + seconds + " s";
            if (type == 1) {
              server.freeze();
              Thread.sleep(seconds * 1000L);
              server.resume();
            } else {
              server.kill();
              Thread.sleep(seconds * 1000L);
              server.launch();
            }
            long restored = System.currentTimeMillis();
            // The camera is back when its publisher is on the server again (a freeze keeps its connection).
            long back = type == 1 ? restored : awaitCamera(restored, 60);
            double recovery = awaitView(lastSent, back, 60);
            recoveries.add(recovery);
            kinds.add(kind + String.format(Locale.ROOT, " (camera back %tT.%<tL)", back));
            assertTrue(segvid.process.isAlive(), "segvid exited at fault " + (i + 1) + ": " + segvid.logText());
          }
          sleepSampling(segvid, rss, 5000);
        } finally {
          running.set(false);
          viewer.join(15_000);
        }
        String report = report(t0, recoveries, kinds, samples, rss, segvid)
            + "camera and viewer:\n  " + String.join("\n  ", StampedCamera.EVENTS) + "\n";
        System.out.println(report);
        // segvid's own account of each fault, beside the measured times.
        segvid.logText().lines().filter(l -> l.matches(".*(reconnect|publish|no frame for).*")).forEach(System.out::println);
        Files.writeString(Path.of("target", "fault-soak.txt"), report);
        for (int i = 0; i < recoveries.size(); i++) {
          assertTrue(recoveries.get(i) <= RECOVERY_BOUND_S, "fault " + (i + 1) + " (" + kinds.get(i) + ") took "
              + recoveries.get(i) + " s\n" + report + segvid.logText());
        }
        assertTrue(segvid.process.isAlive(), "one process the whole time");
      } finally {
        running.set(false);
        camera.join(15_000);
      }
    }
  }

  /** When the camera's publisher connected again, at or after {@code since} (ms). */
  private static long awaitCamera(long since, int seconds) throws InterruptedException {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    while (StampedCamera.CONNECTED.get() < since) {
      if (System.currentTimeMillis() > deadline) throw new AssertionError("the camera did not publish again in " + seconds + " s");
      Thread.sleep(5);
    }
    return StampedCamera.CONNECTED.get();
  }

  /** Seconds from {@code since} (ms) until the viewer reads a frame the camera sent at or after it. */
  private static double awaitView(AtomicLong lastSent, long since, int seconds) throws InterruptedException {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    while (lastSent.get() < since) {
      if (System.currentTimeMillis() > deadline) throw new AssertionError("no frame sent after the camera returned, in " + seconds + " s");
      Thread.sleep(10);
    }
    return (System.currentTimeMillis() - since) / 1000.0;
  }

  /** Every second: {time, resident kB, Java heap committed kB} (the heap from segvid's Prometheus meters). */
  private void sleepSampling(SegvidProcess segvid, List<long[]> rss, long millis) throws Exception {
    long end = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < end) {
      rss.add(new long[] {System.currentTimeMillis(), residentKb(segvid.process.pid()), heapCommittedKb()});
      Thread.sleep(Math.min(1000, Math.max(1, end - System.currentTimeMillis())));
    }
  }

  private long heapCommittedKb() {
    try {
      return (long) (Prometheus.sum(metricsPort, "jvm_memory_committed_bytes", "area=\"heap\"") / 1024);
    } catch (Exception e) {
      return 0;
    }
  }

  static long residentKb(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D+", ""));
    }
    return -1;
  }

  private static int between(Random r, int lo, int hi) {
    return lo + r.nextInt(hi - lo + 1);
  }

  private static String report(long t0, List<Double> recoveries, List<String> kinds, List<long[]> samples,
                               List<long[]> rss, SegvidProcess segvid) {
    StringBuilder sb = new StringBuilder("FAULT SOAK\n");
    for (int i = 0; i < recoveries.size(); i++) {
      sb.append(String.format(Locale.ROOT, "  fault %2d  %-24s recovered in %.2f s%n", i + 1, kinds.get(i), recoveries.get(i)));
    }
    List<Double> sorted = new ArrayList<>(recoveries);
    Collections.sort(sorted);
    if (!sorted.isEmpty()) {
      sb.append(String.format(Locale.ROOT, "  recovery p50 %.2f s, max %.2f s over %d faults%n",
          sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), sorted.size()));
    }
    sb.append(String.format(Locale.ROOT, "  frames relayed (segvid rendered) %d, frames viewed %d%n",
        segvid.framesRendered(), samples.size()));
    sb.append("  minute  frames  latency p50 ms  p99 ms  rss MB  heap committed MB  rss-heap MB\n");
    List<double[]> latencyByMinute = new ArrayList<>();
    List<double[]> rssByMinute = new ArrayList<>();
    List<double[]> nativeByMinute = new ArrayList<>();
    List<long[]> copy;
    synchronized (samples) {
      copy = new ArrayList<>(samples);
    }
    long last = Math.max(copy.isEmpty() ? t0 : copy.get(copy.size() - 1)[0], rss.isEmpty() ? t0 : rss.get(rss.size() - 1)[0]);
    for (int m = 0; t0 + m * 60_000L <= last; m++) {
      long from = t0 + m * 60_000L;
      long to = from + 60_000L;
      List<Long> lat = new ArrayList<>();
      for (long[] s : copy) if (s[0] >= from && s[0] < to) lat.add(s[1]);
      Collections.sort(lat);
      long[] top = rss.stream().filter(s -> s[0] >= from && s[0] < to).max(java.util.Comparator.comparingLong(s -> s[1]))
          .orElse(new long[3]);
      double mem = top[1] / 1024.0;
      double heap = top[2] / 1024.0;
      long p50 = lat.isEmpty() ? -1 : lat.get(lat.size() / 2);
      long p99 = lat.isEmpty() ? -1 : lat.get(Math.min(lat.size() - 1, (int) (lat.size() * 0.99)));
      sb.append(String.format(Locale.ROOT, "  %6d  %6d  %14d  %6d  %6.0f  %17.0f  %11.0f%n", m + 1, lat.size(), p50, p99,
          mem, heap, mem - heap));
      if (!lat.isEmpty()) latencyByMinute.add(new double[] {m, p99});
      if (mem > 0) rssByMinute.add(new double[] {m, mem});
      if (mem > 0 && heap > 0) nativeByMinute.add(new double[] {m, mem - heap});
    }
    sb.append(String.format(Locale.ROOT, "  slope: latency p99 %+.1f ms/minute, resident memory %+.1f MB/minute "
        + "(outside the Java heap %+.1f MB/minute)%n", slope(latencyByMinute), slope(rssByMinute), slope(nativeByMinute)));
    // Allocators and caches fill during the first minutes; a leak keeps rising in the second half too.
    sb.append(String.format(Locale.ROOT, "  second half: latency p99 %+.1f ms/minute, resident memory %+.1f MB/minute%n",
        slope(secondHalf(latencyByMinute)), slope(secondHalf(rssByMinute))));
    return sb.toString();
  }

  static List<double[]> secondHalf(List<double[]> xy) {
    return xy.subList(xy.size() / 2, xy.size());
  }

  /** Least-squares slope of y over x; 0 with fewer than two points. */
  static double slope(List<double[]> xy) {
    int n = xy.size();
    if (n < 2) return 0;
    double mx = xy.stream().mapToDouble(p -> p[0]).average().orElse(0);
    double my = xy.stream().mapToDouble(p -> p[1]).average().orElse(0);
    double num = 0;
    double den = 0;
    for (double[] p : xy) {
      num += (p[0] - mx) * (p[1] - my);
      den += (p[0] - mx) * (p[0] - mx);
    }
    return den == 0 ? 0 : num / den;
  }
}
