package io.segvid.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * CameraHost on a real broker with cameras that only exist in a ledger (no video, no model): how the
 * cameras topic is spread over hosts, moved when one joins or leaves, retried and stopped. The
 * whole thing with real pipelines and worker processes is cli's CameraFailoverTest.
 */
@ExtendWith(SharedBroker.class)
class CameraHostTest {

  private final FakeCameras cameras = new FakeCameras();
  private final Map<String, CameraHost> hosts = new ConcurrentHashMap<>();
  private final Map<String, Thread> threads = new ConcurrentHashMap<>();

  @Test
  void camerasSpreadMoveRetryAndStop(KafkaBroker broker) throws Exception {
    KafkaSettings settings = KafkaSettings.of(broker.bootstrap, "host-test", null);
    List<String> ids = onePerPartition(Topics.JOB_PARTITIONS);
    try (CameraDirectory directory = new CameraDirectory(settings)) {
      for (String id : ids) directory.add(id, "rtsp://operator:s3cret@10.0.0.9/" + id, List.of("stats:-"));
      start(settings, "w1");
      Await.until("every camera on w1", 90, () -> cameras.runningOn("w1") == ids.size());
      Await.until("every camera reported running on w1", 60, () -> directory.list().stream()
          .filter(l -> l.status() != null && l.status().state() == CameraStatus.State.RUNNING
              && "w1".equals(l.status().worker())).count() == ids.size());
      for (CameraDirectory.Listed l : directory.list()) {
        assertFalse(l.spec().source().contains("s3cret"), l.spec().source());
        assertFalse(l.status().source().contains("s3cret"), l.status().source());
      }
      CameraStatus first = status(directory, ids.get(0));
      Await.until("a running camera reported again", 3 * (int) (CameraStatus.REPORT_EVERY_MILLIS / 1000),
          () -> status(directory, ids.get(0)).updatedMillis() > first.updatedMillis());
      CameraStatus again = status(directory, ids.get(0));
      assertEquals(CameraStatus.State.RUNNING, again.state());
      assertEquals(first.startedMillis(), again.startedMillis(), "a repeated report is not a restart");
      assertFalse(again.overdue(System.currentTimeMillis()));
      assertTrue(again.overdue(again.updatedMillis() + 3 * CameraStatus.REPORT_EVERY_MILLIS + 1));

      start(settings, "w2");
      // Twelve partitions, one camera each: a balanced group gives each host six.
      Await.until("cameras shared by w1 and w2", 90,
          () -> cameras.runningOn("w1") == ids.size() / 2 && cameras.runningOn("w2") == ids.size() / 2);
      for (String id : ids) {
        boolean stayed = "w1".equals(cameras.runningOn.get(id));
        assertEquals(stayed ? 1 : 2, cameras.starts(id), id + (stayed ? " stayed on w1 and must not restart" : " moved once"));
      }

      stop("w1");
      Await.until("every camera on w2 after w1 left", 60, () -> cameras.runningOn("w2") == ids.size());
      assertTrue(cameras.overlaps.isEmpty(), "a camera ran on two hosts at once: " + cameras.overlaps);

      directory.add("refused", "bad:nothing-here", List.of("stats:-"));
      Await.until("a refused camera reported failed with its reason", 60,
          () -> state(directory, "refused", CameraStatus.State.FAILED, "cannot open bad:nothing-here"));
      directory.add("flaky", "dies:at-once", List.of("stats:-"));
      // Each failure is reported for the pause before the next try (2 s, then 4, 8...).
      Await.until("a camera that ends by itself reported failed and retrying", 60,
          () -> state(directory, "flaky", CameraStatus.State.FAILED, "camera lost (retrying in"));
      Await.until("a camera that ends by itself retried", 60, () -> cameras.starts("flaky") >= 2);

      String removed = ids.get(0);
      assertTrue(directory.remove(removed));
      Await.until("a removed camera stopped", 60, () -> !cameras.runningOn.containsKey(removed));
      assertTrue(directory.list().stream().noneMatch(l -> l.spec().id().equals(removed)), "a removed camera is not listed");
      assertFalse(directory.remove("never-added"));
      assertEquals(ids.size() - 1, cameras.runningOn("w2"));
    } finally {
      for (String host : new ArrayList<>(hosts.keySet())) stop(host);
    }
  }

  private void start(KafkaSettings settings, String name) throws InterruptedException {
    CameraHost host = new CameraHost(settings, name, cameras.on(name), new SimpleMeterRegistry());
    Thread t = new Thread(host::run, "camera-host-" + name);
    hosts.put(name, host);
    threads.put(name, t);
    t.start();
  }

  private void stop(String name) throws InterruptedException {
    hosts.remove(name).stop();
    threads.remove(name).join(30_000);
  }

  private static CameraStatus status(CameraDirectory directory, String id) {
    return directory.list().stream().filter(l -> l.spec().id().equals(id)).findFirst().orElseThrow().status();
  }

  private static boolean state(CameraDirectory directory, String id, CameraStatus.State state, String errorPart) {
    return directory.list().stream().anyMatch(l -> l.spec().id().equals(id) && l.status() != null
        && l.status().state() == state && String.valueOf(l.status().error()).contains(errorPart));
  }

  /** Camera ids whose records land one on each partition (the producer's partitioner for keyed records). */
  private static List<String> onePerPartition(int partitions) {
    String[] byPartition = new String[partitions];
    int found = 0;
    for (int i = 0; found < partitions; i++) {
      String id = "cam-" + i;
      int p = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % partitions;
      if (byPartition[p] == null) {
        byPartition[p] = id;
        found++;
      }
    }
    return List.of(byPartition);
  }
}
