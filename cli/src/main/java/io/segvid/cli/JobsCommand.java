package io.segvid.cli;

import io.segvid.cluster.JobQueue;
import io.segvid.cluster.JobStatus;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code segvid jobs}: every job's latest status. */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = "List jobs: id, state, worker, source, frames, error or warning.")
public final class JobsCommand implements Callable<Integer> {

  @Mixin
  KafkaOptions kafka;

  @Override
  public Integer call() throws Exception {
    try (JobQueue queue = new JobQueue(kafka.oneShotSettings())) {
      for (JobStatus s : queue.statuses()) System.out.println(line(s));
    }
    return 0;
  }

  static String line(JobStatus s) {
    String state = s.state().name().toLowerCase(Locale.ROOT);
    String where = s.worker() == null ? "" : " on " + s.worker();
    String detail = s.state() == JobStatus.State.FAILED ? " error: " + s.error()
        : s.state() == JobStatus.State.DONE ? " frames " + s.frames() + (s.error() == null ? "" : " warning: " + s.error()) : "";
    return s.id() + " " + state + where + " " + s.source() + detail;
  }
}
