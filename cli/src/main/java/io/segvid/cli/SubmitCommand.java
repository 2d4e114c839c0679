package io.segvid.cli;

import io.segvid.cluster.JobQueue;
import io.segvid.cluster.JobStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code segvid submit}: one batch job onto the jobs topic. */
@Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Queue a job for the workers: --source FILE_OR_URL --sink file:OUT.mp4 [--sink ...]; prints its id.")
public final class SubmitCommand implements Callable<Integer> {

  @Mixin
  KafkaOptions kafka;
  @Option(names = "--source", required = true, description = "A video file or URL the workers can reach.")
  String source;
  @Option(names = "--sink", required = true, description = "file:PATH, masks:DIR or stats:FILE.jsonl (repeatable).")
  List<String> sinks = new ArrayList<>();
  @Option(names = "--wait", description = "Wait until the job is done; exit status 0 if done, 1 if failed.")
  boolean await;
  @Option(names = "--timeout", description = "Seconds --wait waits at most (default 3600).")
  long timeoutSeconds = 3600;

  @Override
  public Integer call() throws Exception {
    try (JobQueue queue = new JobQueue(kafka.oneShotSettings())) {
      String id = queue.submit(source, sinks);
      System.out.println(id);
      if (!await) return 0;
      JobStatus s = queue.await(id, Duration.ofSeconds(timeoutSeconds));
      System.out.println(JobsCommand.line(s));
      return s.state() == JobStatus.State.DONE ? 0 : 1;
    }
  }
}
