package io.segvid.cli;

import io.segvid.testkit.Media;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** segvid as a separate process, as a user runs it, observed through its browser view's metrics. */
final class SegvidProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final Process process;
  final Path log;
  final int httpPort;

  private SegvidProcess(Process process, Path log, int httpPort) {
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
  }

  /** Starts {@code segvid run ARGS --sink http://127.0.0.1:PORT}; env adds variables (DISPLAY). */
  static SegvidProcess start(Path log, Map<String, String> env, String... args) throws Exception {
    int port = RtspServer.freePort();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    // -Dsegvid.jvm="-Xms1g -Xmx1g ..." runs segvid with these JVM options (soaks that separate heap from native memory).
    for (String o : System.getProperty("segvid.jvm", "").trim().split("\\s+")) if (!o.isEmpty()) cmd.add(o);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.segvid.cli.Segvid", "run",
        "--model", Media.MODEL.toString(), "--sink", "http://127.0.0.1:" + port));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "3");
    pb.environment().putAll(env);
    return new SegvidProcess(pb.start(), log, port);
  }

  /** frames_rendered from /metrics.json, or -1 while the view is not up. */
  long framesRendered() {
    JsonNode m = metrics();
    return m == null ? -1 : m.get("frames_rendered").asLong();
  }

  JsonNode metrics() {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics.json"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? new ObjectMapper().readTree(r.body()) : null;
    } catch (Exception e) {
      return null;
    }
  }

  /** Waits until {@code condition} holds; fails with the log if it does not within the time. */
  void await(String what, long seconds, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) return;
      if (!process.isAlive()) throw new AssertionError(what + ": segvid exited\n" + logText());
      Thread.sleep(100);
    }
    throw new AssertionError(what + ": not within " + seconds + " s\n" + logText());
  }

  /** Waits until at least {@code more} frames beyond the current count were rendered. */
  void awaitMoreFrames(String what, long more, long seconds) throws Exception {
    long start = Math.max(0, framesRendered());
    await(what, seconds, () -> framesRendered() >= start + more);
  }

  String logText() {
    try {
      return Files.readString(log);
    } catch (Exception e) {
      return "(no log)";
    }
  }

  /** SIGTERM and wait; returns the exit code. */
  int terminate(long seconds) throws Exception {
    process.destroy();
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) throw new AssertionError("segvid did not stop on SIGTERM\n" + logText());
    return process.exitValue();
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
