package io.segvid.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker on a real broker with a job runner that writes text instead of video: every job runs
 * once, outputs appear under their final names only when the job succeeded, and failures are
 * reported with their reason. Real pipelines and killed workers: cli's ScaleOutTest.
 */
@ExtendWith(SharedBroker.class)
class WorkerTest {

  @Test
  void jobsRunOnceAndOnlyFinishedOutputsAppear(KafkaBroker broker, @TempDir Path tmp) throws Exception {
    KafkaSettings settings = KafkaSettings.of(broker.bootstrap, "worker-test", null);
    Path out = Files.createDirectories(tmp.resolve("out"));
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    JobRunner writer = (source, sinks, cancel) -> {
      runs.computeIfAbsent(source, k -> new AtomicInteger()).incrementAndGet();
      for (String sink : sinks) write(Path.of(sink.substring(sink.indexOf(':') + 1)), "segmented " + source);
      return source.startsWith("fail:") ? JobRunner.Result.failed("cannot open " + source) : JobRunner.Result.done(3);
    };
    Worker worker = new Worker(settings, "w1", writer, new SimpleMeterRegistry());
    Thread loop = new Thread(() -> {
      try {
        worker.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "worker-w1");
    loop.start();
    try (JobQueue queue = new JobQueue(settings)) {
      String[] ok = new String[3];
      for (int i = 0; i < ok.length; i++) {
        ok[i] = queue.submit("clip" + i + ".mp4", List.of("file:" + out.resolve("clip" + i + ".mkv")));
      }
      String failed = queue.submit("fail:rtsp://op:s3cret@10.0.0.9/x", List.of("file:" + out.resolve("bad.mkv")));
      assertThrows(IllegalArgumentException.class, () -> queue.submit("clip.mp4", List.of("window")),
          "a window is no batch output");

      for (int i = 0; i < ok.length; i++) {
        JobStatus s = queue.await(ok[i], Duration.ofSeconds(120));
        assertEquals(JobStatus.State.DONE, s.state(), String.valueOf(s.error()));
        assertEquals(3, s.frames());
        assertEquals("segmented clip" + i + ".mp4", Files.readString(out.resolve("clip" + i + ".mkv")));
        assertEquals(1, runs.get("clip" + i + ".mp4").get(), "each job runs once");
      }
      JobStatus bad = queue.await(failed, Duration.ofSeconds(120));
      assertEquals(JobStatus.State.FAILED, bad.state());
      assertTrue(bad.error().startsWith("cannot open fail:"), bad.error());
      assertFalse(bad.source().contains("s3cret"), bad.source());
      assertFalse(Files.exists(out.resolve("bad.mkv")), "a failed job's output must not appear under its final name");
      try (Stream<Path> left = Files.list(out)) {
        assertEquals(List.of(), left.filter(p -> p.getFileName().toString().contains(".segvid-tmp-")).toList(),
            "temporary outputs left behind");
      }
    } finally {
      worker.stop();
      loop.join(30_000);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
