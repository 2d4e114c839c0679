package io.segvid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.cluster.JobQueue;
import io.segvid.cluster.JobStatus;
import io.segvid.cluster.KafkaBroker;
import io.segvid.cluster.KafkaSettings;
import io.segvid.testkit.Media;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.global.avcodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers sharing jobs through a real Kafka broker (KRaft, its own process), two worker processes as
 * users start them: jobs spread over both; a worker SIGKILLed in the middle of a job leaves it to the
 * other, and every output ends up complete, once, with no temporary file left; a bad job is reported
 * failed with its reason and not retried.
 */
class ScaleOutTest {

  @TempDir
  Path tmp;

  private WorkerProcesses workers;

  private Process worker(String bootstrap, String id) throws Exception {
    return workers.start(bootstrap, KafkaSettings.DEFAULT_GROUP, id);
  }

  private Process worker(String bootstrap, String group, String id) throws Exception {
    return workers.start(bootstrap, group, id);
  }

  private String log(String id) {
    return workers.log(id);
  }

  private static void await(String what, long seconds, java.util.concurrent.Callable<Boolean> condition) throws Exception {
    WorkerProcesses.await(what, seconds, condition);
  }

  /** The results topic holds one record per frame of the job, keyed by stream, fractions summing to 1. */
  private static void assertResults(String bootstrap, String job, int frames) throws Exception {
    java.util.Properties p = new java.util.Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("auto.offset.reset", "earliest");
    p.put("key.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
    p.put("value.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
    Set<Long> indices = new HashSet<>();
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    try (org.apache.kafka.clients.consumer.KafkaConsumer<String, String> c = new org.apache.kafka.clients.consumer.KafkaConsumer<>(p)) {
      c.assign(c.partitionsFor("segvid.results").stream()
          .map(i -> new org.apache.kafka.common.TopicPartition(i.topic(), i.partition())).toList());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (indices.size() < frames && System.nanoTime() < deadline) {
        for (var r : c.poll(Duration.ofMillis(500))) {
          var node = json.readTree(r.value());
          assertEquals("clip", r.key());
          assertEquals(job, node.get("job").asText());
          double sum = 0;
          for (var f : node.get("fractions")) sum += f.asDouble();
          assertEquals(1.0, sum, 0.01, r.value());
          indices.add(node.get("index").asLong());
        }
      }
    }
    assertEquals(frames, indices.size(), "one record per frame");
  }

  /**
   * The check, run by hand (it takes minutes): a broker, three workers, six file jobs, the
   * busiest worker SIGKILLed; then the same six jobs on two workers without a fault, for the time
   * it should be compared with. Prints both times.
   * {@code ./segvid test -pl cli -am -Dtest=ScaleOutTest#threeWorkersSixJobsOneKilled -Dscaleout.long=true -Dsurefire.failIfNoSpecifiedTests=false}
   */
  @Test
  void threeWorkersSixJobsOneKilled() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("scaleout.long"), "run by hand: -Dscaleout.long=true");
    int videoFrames = Media.probe(Media.VIDEO).frames();
    double killed = sixJobs("killed", 3, true, videoFrames);
    double twoWorkers = sixJobs("two", 2, false, videoFrames);
    System.out.printf(java.util.Locale.ROOT, "SCALE OUT: 6 jobs of %d frames: 3 workers, one SIGKILLed mid-job: %.1f s; "
        + "2 workers, no fault: %.1f s; ratio %.2f%n", videoFrames, killed, twoWorkers, killed / twoWorkers);
  }

  /** Seconds from the first submit until all six jobs are done, every output complete and alone (a broker of its own). */
  private double sixJobs(String name, int count, boolean killOne, int frames) throws Exception {
    try (KafkaBroker broker = KafkaBroker.start(tmp.resolve("kafka-" + name));
         WorkerProcesses started = new WorkerProcesses(tmp)) {
      workers = started;  // stopped before the broker
      return sixJobs(broker, name, count, killOne, frames);
    }
  }

  private double sixJobs(KafkaBroker broker, String name, int count, boolean killOne, int frames) throws Exception {
    String group = "segvid-" + name;
    List<Process> mine = new ArrayList<>();
    for (int i = 1; i <= count; i++) mine.add(worker(broker.bootstrap, group, name + i));
    KafkaSettings settings = KafkaSettings.of(broker.bootstrap, group, null);
    await(count + " workers owning partitions", 180, () -> WorkerProcesses.membersWithPartitions(broker.bootstrap, group) == count);
    Path out = Files.createDirectories(tmp.resolve("out-" + name));
    try (JobQueue queue = new JobQueue(settings)) {
      long t0 = System.nanoTime();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 6; i++) ids.add(queue.submit(Media.VIDEO.toString(), List.of("file:" + out.resolve("job-" + i + ".mp4"))));
      if (killOne) {
        await("a worker busy", 120, () -> queue.statuses().stream().anyMatch(s -> ids.contains(s.id())
            && s.state() == JobStatus.State.RUNNING && (name + "1").equals(s.worker())));
        Thread.sleep(3_000);
        mine.get(0).destroyForcibly();
      }
      for (String id : ids) assertEquals(JobStatus.State.DONE, queue.await(id, Duration.ofMinutes(20)).state(), id);
      double seconds = (System.nanoTime() - t0) / 1e9;
      try (Stream<Path> files = Files.list(out)) {
        assertEquals(6, files.count(), "six outputs, no temporary file");
      }
      for (int i = 0; i < 6; i++) assertEquals(frames, Media.probe(out.resolve("job-" + i + ".mp4")).frames());
      for (Process p : mine) {
        p.destroy();
        p.waitFor(30, TimeUnit.SECONDS);
      }
      return seconds;
    }
  }

  @Test
  void jobsSpreadSurviveAKilledWorkerAndBadJobsFail() throws Exception {
    Path clip = tmp.resolve("clip.mp4");
    int clipFrames = Media.reencode(Media.VIDEO, clip, "mp4", avcodec.AV_CODEC_ID_MPEG4, 48);
    int videoFrames = Media.probe(Media.VIDEO).frames();
    Path out = Files.createDirectories(tmp.resolve("out"));
    try (KafkaBroker broker = KafkaBroker.start(tmp.resolve("kafka"));
         WorkerProcesses started = new WorkerProcesses(tmp);
         JobQueue queue = new JobQueue(KafkaSettings.of(broker.bootstrap, null, null))) {
      workers = started;  // stopped before the broker
      Process first = worker(broker.bootstrap, "w1");
      worker(broker.bootstrap, "w2");
      await("both workers owning partitions", 120,
          () -> WorkerProcesses.membersWithPartitions(broker.bootstrap, KafkaSettings.DEFAULT_GROUP) == 2);

      // Short jobs: spread over both workers, each output complete.
      Map<String, Path> outputs = new HashMap<>();
      String withResults = null;
      for (int i = 0; i < 4; i++) {
        Path o = out.resolve("short-" + i + ".mp4");
        List<String> sinks = i == 0 ? List.of("file:" + o, "kafka://" + broker.bootstrap + "/segvid.results?stream=clip")
            : List.of("file:" + o);
        String id = queue.submit(clip.toString(), sinks);
        if (i == 0) withResults = id;
        outputs.put(id, o);
      }
      Set<String> ran = new HashSet<>();
      for (var e : outputs.entrySet()) {
        JobStatus s = queue.await(e.getKey(), Duration.ofMinutes(5));
        assertEquals(JobStatus.State.DONE, s.state(), s.toString() + "\n" + log("w1") + log("w2"));
        ran.add(s.worker());
        assertEquals(clipFrames, Media.probe(e.getValue()).frames(), "every frame of job " + e.getKey());
        assertEquals(null, s.error(), "a whole file leaves no warning");
      }
      assertEquals(Set.of("w1", "w2"), ran, "jobs spread over both workers");
      assertResults(broker.bootstrap, withResults, clipFrames);

      // Two long jobs, one each; the first worker is killed in the middle of its job.
      Path a = out.resolve("long-a.mp4");
      Path b = out.resolve("long-b.mp4");
      String jobA = queue.submit(Media.VIDEO.toString(), List.of("file:" + a));
      String jobB = queue.submit(Media.VIDEO.toString(), List.of("file:" + b));
      await("w1 running a long job", 120, () -> queue.statuses().stream().anyMatch(s ->
          (s.id().equals(jobA) || s.id().equals(jobB)) && s.state() == JobStatus.State.RUNNING && "w1".equals(s.worker())));
      Thread.sleep(2_000);  // well into it: the temporary output exists
      first.destroyForcibly();  // SIGKILL
      assertTrue(first.waitFor(30, TimeUnit.SECONDS));
      for (String job : List.of(jobA, jobB)) {
        JobStatus s = queue.await(job, Duration.ofMinutes(5));
        assertEquals(JobStatus.State.DONE, s.state(), s + "\n" + log("w2"));
        assertEquals("w2", s.worker(), "the survivor finished it");
      }
      assertEquals(videoFrames, Media.probe(a).frames(), "the redone job's output is complete");
      assertEquals(videoFrames, Media.probe(b).frames());

      // A job whose source cannot be read: failed, with its reason, and not retried.
      String bad = queue.submit(tmp.resolve("missing.mp4").toString(), List.of("file:" + out.resolve("bad.mp4")));
      JobStatus failed = queue.await(bad, Duration.ofMinutes(2));
      assertEquals(JobStatus.State.FAILED, failed.state());
      assertTrue(failed.error().contains("missing.mp4") && !failed.error().contains("\n"), failed.error());
      Thread.sleep(3_000);
      assertEquals(JobStatus.State.FAILED, queue.statuses().stream().filter(s -> s.id().equals(bad)).findFirst()
          .orElseThrow().state(), "not retried");
      assertFalse(Files.exists(out.resolve("bad.mp4")));

      // A file cut short: done as far as it goes, with a warning that says so.
      Path cut = Media.cutCopyOfVideo(tmp.resolve("cut.mp4"));
      JobStatus cutShort = queue.await(queue.submit(cut.toString(), List.of("file:" + out.resolve("cut.mp4"))),
          Duration.ofMinutes(2));
      assertEquals(JobStatus.State.DONE, cutShort.state(), cutShort.toString());
      assertTrue(cutShort.error() != null && cutShort.error().contains("the file is cut short"), cutShort.toString());
      assertTrue(JobsCommand.line(cutShort).endsWith(" warning: " + cutShort.error()), JobsCommand.line(cutShort));

      try (Stream<Path> files = Files.list(out)) {
        List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
        assertEquals(List.of("cut.mp4", "long-a.mp4", "long-b.mp4", "short-0.mp4", "short-1.mp4", "short-2.mp4", "short-3.mp4"),
            names, "each output once, no temporary file left");
      }
    }
  }
}
