package io.segvid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.cluster.CameraDirectory;
import io.segvid.cluster.CameraStatus;
import io.segvid.cluster.KafkaBroker;
import io.segvid.cluster.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live cameras on workers, against a real broker and a real RTSP camera (GStreamer): cameras added
 * with {@code segvid cameras add} run on a worker and publish per-frame results keyed by camera id; a
 * second worker joining moves some and leaves the others running (not restarted); the worker running a
 * camera SIGKILLed, the camera comes back on the survivor (time printed); a bad sink is refused at
 * once; an unreachable camera is reported failed (credentials redacted) and retried; a removed camera stops.
 */
class CameraFailoverTest {

  private static final String RESULTS = "segvid.results";

  @TempDir
  Path tmp;

  @Test
  void camerasRunMoveAndSurviveAKilledWorker() throws Exception {
    try (KafkaBroker broker = KafkaBroker.start(tmp.resolve("kafka"));
         RtspServer camera = RtspServer.start();
         WorkerProcesses workers = new WorkerProcesses(tmp);
         Results results = Results.watch(broker.bootstrap);
         CameraDirectory cameras = new CameraDirectory(KafkaSettings.of(broker.bootstrap, null, null))) {
      String group = KafkaSettings.DEFAULT_GROUP + ".cameras";
      int metricsPort = RtspServer.freePort();
      workers.start(broker.bootstrap, KafkaSettings.DEFAULT_GROUP, "w1", "--metrics-port", Integer.toString(metricsPort));
      String sink = "kafka://" + broker.bootstrap + "/" + RESULTS;
      for (String id : List.of("cam1", "cam2")) {
        InProcessCli.Ran added = InProcessCli.run("cameras", "add", id, "--kafka", broker.bootstrap, "--source", camera.url("/test"), "--sink", sink);
        assertEquals(0, added.code(), added.err());
      }
      for (String id : List.of("cam1", "cam2")) {
        WorkerProcesses.await(id + " results flowing from w1", 180, () -> results.count(id) >= 10,
            () -> diagnostics(results, cameras, workers, camera));
      }
      // Both cameras' frames go through w1's one model, batched together: more frames than model calls.
      double batches = Prometheus.sum(metricsPort, "segvid_worker_model_batches_total", "");
      double frames = Prometheus.sum(metricsPort, "segvid_worker_model_frames_total", "");
      System.out.printf(java.util.Locale.ROOT, "CAMERAS: %.0f frames of two cameras in %.0f model calls (%.2f per call)%n",
          frames, batches, frames / batches);
      assertTrue(frames > 1.2 * batches, frames + " frames in " + batches + " calls");
      Map<String, CameraStatus> before = statuses(cameras);
      assertEquals("w1", before.get("cam1").worker(), workers.log("w1"));
      WorkerProcesses.await("cameras list: cam1 running on w1", 30,
          () -> InProcessCli.run("cameras", "list", "--kafka", broker.bootstrap).out().contains("cam1 running on w1"));

      // A second worker joins: cameras whose partition moves restart there, the others keep running.
      workers.start(broker.bootstrap, KafkaSettings.DEFAULT_GROUP, "w2");
      WorkerProcesses.await("both workers owning camera partitions", 120,
          () -> WorkerProcesses.membersWithPartitions(broker.bootstrap, group) == 2);
      WorkerProcesses.await("both cameras running after the rebalance", 90, () -> statuses(cameras).values().stream()
          .filter(c -> c.state() == CameraStatus.State.RUNNING).count() == 2);
      Map<String, CameraStatus> after = statuses(cameras);
      for (String id : List.of("cam1", "cam2")) {
        CameraStatus s = after.get(id);
        if (s.worker().equals("w1")) {
          assertEquals(before.get(id).startedMillis(), s.startedMillis(), id + " stayed on w1 and was not restarted");
        }
        long seen = results.count(id);
        WorkerProcesses.await(id + " results still flowing", 60, () -> results.count(id) >= seen + 10,
            () -> diagnostics(results, cameras, workers, camera));
      }

      // The worker running cam1 dies: cam1 comes back on the other one.
      String victim = after.get("cam1").worker();
      String survivor = victim.equals("w1") ? "w2" : "w1";
      Process dead = workers.process(victim);
      dead.destroyForcibly();
      long killed = System.currentTimeMillis();
      assertTrue(dead.waitFor(30, TimeUnit.SECONDS));
      WorkerProcesses.await("cam1 restarted on " + survivor, 120, () -> {
        CameraStatus s = statuses(cameras).get("cam1");
        return s != null && s.worker().equals(survivor) && s.startedMillis() >= killed && s.state() == CameraStatus.State.RUNNING;
      });
      long restarted = statuses(cameras).get("cam1").startedMillis();
      WorkerProcesses.await("cam1 results flowing from " + survivor, 120, () -> results.lastReceived("cam1") > restarted,
          () -> diagnostics(results, cameras, workers, camera));
      double seconds = (results.firstAfter("cam1", restarted) - killed) / 1000.0;
      System.out.printf(java.util.Locale.ROOT, "CAMERA FAILOVER: SIGKILL of %s to cam1's first result from %s: %.1f s "
          + "(session timeout 10 s)%n", victim, survivor, seconds);
      assertTrue(seconds < 60, "failover took " + seconds + " s");

      // A sink no worker could make is refused at once; a camera that cannot be reached is reported
      // failed, with its reason, and retried.
      InProcessCli.Ran refused = InProcessCli.run("cameras", "add", "bad", "--kafka", broker.bootstrap, "--source", camera.url("/test"),
          "--sink", "nonsense:out");
      assertTrue(refused.code() != 0 && refused.err().contains("unknown sink"), refused.err());
      assertEquals(0, InProcessCli.run("cameras", "add", "away", "--kafka", broker.bootstrap, "--source",
          "rtsp://user:secret@127.0.0.1:" + RtspServer.freePort() + "/none", "--sink", sink).code());
      WorkerProcesses.await("the unreachable camera reported failed", 60, () -> {
        CameraStatus s = statuses(cameras).get("away");
        return s != null && s.state() == CameraStatus.State.FAILED && s.error() != null && s.error().contains("retrying");
      });
      CameraStatus away = statuses(cameras).get("away");
      String listed2 = InProcessCli.run("cameras", "list", "--kafka", broker.bootstrap).out();
      assertTrue(listed2.contains("away ") && !listed2.contains("secret") && !away.toString().contains("secret"), listed2 + away);

      // Removed: it stops, and its results stop.
      assertEquals(0, InProcessCli.run("cameras", "remove", "cam2", "--kafka", broker.bootstrap).code());
      WorkerProcesses.await("cam2 stopped", 60, () -> statuses(cameras).get("cam2") == null);
      long stopped = results.count("cam2");
      Thread.sleep(3_000);
      assertTrue(results.count("cam2") - stopped <= 2, "no cam2 results after its removal");
      InProcessCli.Ran missing = InProcessCli.run("cameras", "remove", "nope", "--kafka", broker.bootstrap);
      assertEquals(1, missing.code());
      assertTrue(missing.err().contains("no camera 'nope'"), missing.err());
    }
  }

  /** The latest status of each listed camera (removed cameras are not listed). */
  private static Map<String, CameraStatus> statuses(CameraDirectory cameras) {
    Map<String, CameraStatus> m = new java.util.HashMap<>();
    for (CameraDirectory.Listed c : cameras.list()) {
      if (c.status() != null) m.put(c.spec().id(), c.status());
    }
    return m;
  }

  /** For a failed wait: what the results reader saw, the cameras' states and the workers' recent logs. */
  private static String diagnostics(Results results, CameraDirectory cameras, WorkerProcesses workers, RtspServer camera) {
    StringBuilder b = new StringBuilder("results read: ").append(results.describe()).append('\n');
    b.append(camera.describe()).append('\n');
    try {
      b.append("cameras: ").append(statuses(cameras)).append('\n');
    } catch (RuntimeException e) {
      b.append("cameras: unreadable: ").append(e).append('\n');
    }
    for (String id : List.of("w1", "w2")) {
      b.append("--- ").append(id).append(".log (end) ---\n").append(workers.logTail(id, 4000)).append('\n');
    }
    return b.toString();
  }

  /** Reads the results topic from its start on a thread of its own: per camera, when each record came. */
  private static final class Results implements AutoCloseable {
    private final Map<String, List<Long>> received = new ConcurrentHashMap<>();
    /** Next offset to read per partition, so a restarted reader neither skips nor repeats records. */
    private final Map<TopicPartition, Long> read = new ConcurrentHashMap<>();
    private volatile RuntimeException error;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    private Results(String bootstrap) {
      Properties p = new Properties();
      p.put("bootstrap.servers", bootstrap);
      p.put("key.deserializer", StringDeserializer.class.getName());
      p.put("value.deserializer", StringDeserializer.class.getName());
      // Retries on any error (a broker slow to answer under load would otherwise end the reader
      // silently and look like cameras without results); the last error is kept for the failure message.
      thread = new Thread(() -> {
        while (running.get()) {
          try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor(RESULTS).stream()
                .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(parts);
            for (TopicPartition tp : parts) c.seek(tp, read.getOrDefault(tp, 0L));
            while (running.get()) {
              for (var r : c.poll(Duration.ofMillis(200))) {
                received.computeIfAbsent(r.key(), k -> new CopyOnWriteArrayList<>()).add(System.currentTimeMillis());
                read.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
              }
            }
          } catch (RuntimeException e) {
            error = e;
            sleepQuietly(500);
          }
        }
      }, "results-watch");
      thread.start();
    }

    private static void sleepQuietly(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    String describe() {
      Map<String, Integer> counts = new java.util.TreeMap<>();
      received.forEach((k, v) -> counts.put(k, v.size()));
      return counts + (error == null ? "" : ", reader's last error: " + error);
    }

    static Results watch(String bootstrap) throws Exception {
      Properties p = new Properties();
      p.put("bootstrap.servers", bootstrap);
      try (Admin admin = Admin.create(p)) {
        admin.createTopics(List.of(new NewTopic(RESULTS, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
      }
      return new Results(bootstrap);
    }

    long count(String key) {
      List<Long> l = received.get(key);
      return l == null ? 0 : l.size();
    }

    long lastReceived(String key) {
      List<Long> l = received.get(key);
      return l == null || l.isEmpty() ? 0 : l.get(l.size() - 1);
    }

    long firstAfter(String key, long millis) {
      Long first = received.get(key).stream().filter(t -> t > millis).findFirst().orElse(null);
      assertNotNull(first);
      return first;
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(10_000);
    }
  }
}
