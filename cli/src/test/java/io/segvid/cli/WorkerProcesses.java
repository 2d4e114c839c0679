package io.segvid.cli;

import io.segvid.testkit.Media;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code segvid worker} processes as users start them (the shipped model, one thread each), each
 * logging to {@code ID.log} in a folder of the test's; all stopped at close. Also the waits the
 * cluster tests share.
 */
final class WorkerProcesses implements AutoCloseable {

  private final Path dir;
  private final java.util.Map<String, Process> started = new java.util.LinkedHashMap<>();

  WorkerProcesses(Path dir) {
    this.dir = dir;
  }

  Process start(String bootstrap, String group, String id, String... more) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.segvid.cli.Segvid", "worker", "--kafka", bootstrap,
        "--group", group, "--id", id, "--model", Media.MODEL.toString(), "--threads", "1"));
    cmd.addAll(List.of(more));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(id + ".log").toFile());
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "3");
    Process p = pb.start();
    started.put(id, p);
    return p;
  }

  Process process(String id) {
    return started.get(id);
  }

  String log(String id) {
    try {
      return Files.readString(dir.resolve(id + ".log"));
    } catch (Exception e) {
      return "";
    }
  }

  static void await(String what, long seconds, java.util.concurrent.Callable<Boolean> condition) throws Exception {
    await(what, seconds, condition, () -> "");
  }

  /** As above; on a timeout the failure also says what {@code context} finds then (logs, states). */
  static void await(String what, long seconds, java.util.concurrent.Callable<Boolean> condition,
      java.util.function.Supplier<String> context) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (condition.call()) return;
      Thread.sleep(200);
    }
    throw new AssertionError(what + ": not within " + seconds + " s\n" + context.get());
  }

  /** The last {@code chars} characters of a worker's log. */
  String logTail(String id, int chars) {
    String log = log(id);
    return log.length() <= chars ? log : "..." + log.substring(log.length() - chars);
  }

  /** Members of the consumer group that own at least one partition. */
  static int membersWithPartitions(String bootstrap, String group) {
    java.util.Properties p = new java.util.Properties();
    p.put("bootstrap.servers", bootstrap);
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(p)) {
      return (int) admin.describeConsumerGroups(List.of(group)).describedGroups()
          .get(group).get(10, TimeUnit.SECONDS).members().stream()
          .filter(m -> !m.assignment().topicPartitions().isEmpty()).count();
    } catch (Exception e) {
      return 0;
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : started.values()) p.destroy();
    for (Process p : started.values()) if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
  }
}
