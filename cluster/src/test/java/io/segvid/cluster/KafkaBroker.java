package io.segvid.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real Apache Kafka broker (the one from Maven Central, KRaft mode, broker and controller in one
 * node) in its own process on loopback, its data in a folder of the test's. Killed at close. Shared
 * with the command line's tests through this module's test jar.
 */
public final class KafkaBroker implements AutoCloseable {

  private final Process process;
  private final Path log;
  /** host:port for {@code bootstrap.servers}. */
  public final String bootstrap;

  private KafkaBroker(Process process, Path log, String bootstrap) {
    this.process = process;
    this.log = log;
    this.bootstrap = bootstrap;
  }

  public static KafkaBroker start(Path dir) throws Exception {
    int port = freePort();
    int controller = freePort();
    Path config = dir.resolve("server.properties");
    Files.createDirectories(dir);
    Files.writeString(config, String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controller,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs=" + dir.resolve("data"),
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=3",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "group.initial.rebalance.delay.ms=0",
        "") + "\n");
    Path log = dir.resolve("broker.log");
    run(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()),
        dir.resolve("format.log"));
    Process p = java(List.of("kafka.Kafka", config.toString()), log).start();
    KafkaBroker broker = new KafkaBroker(p, log, "127.0.0.1:" + port);
    broker.awaitReady();
    return broker;
  }

  private static ProcessBuilder java(List<String> args, Path log) {
    List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", System.getProperty("java.class.path")));
    cmd.addAll(args);
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
  }

  private static void run(List<String> args, Path log) throws Exception {
    Process p = java(args, log).start();
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new AssertionError("kafka " + args.get(0) + " failed:\n" + Files.readString(log));
    }
  }

  private void awaitReady() throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    try (Admin admin = Admin.create(props)) {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) throw new AssertionError("the broker exited:\n" + Files.readString(log));
        try {
          admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
          return;
        } catch (Exception notYet) {
          Thread.sleep(500);
        }
      }
    }
    throw new AssertionError("the broker did not come up within 120 s:\n" + Files.readString(log));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

}
