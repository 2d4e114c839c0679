package io.segvid.cli;

import io.segvid.cluster.KafkaSettings;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the cluster is: shared by worker, submit and jobs. */
public final class KafkaOptions {

  @Option(names = "--kafka", required = true, paramLabel = "HOST:PORT[,HOST:PORT...]",
      description = "Kafka bootstrap servers.")
  String bootstrap;
  @Option(names = "--group", description = "Worker group (default: " + KafkaSettings.DEFAULT_GROUP + ").")
  String group;
  @Option(names = "--kafka-config", paramLabel = "FILE",
      description = "Kafka client properties for a real cluster (security.protocol, sasl.*, ssl.*).")
  Path clientConfig;

  KafkaSettings settings() throws IOException {
    return KafkaSettings.of(bootstrap, group, clientConfig);
  }

  /**
   * For commands that make one request and exit (submit, jobs, cameras): the Kafka client's own
   * retry warnings are kept out of the terminal, since the command ends with one line saying what
   * failed. A worker keeps them: there they tell an operator reading its log what it waits for.
   */
  KafkaSettings oneShotSettings() throws IOException {
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
    return settings();
  }
}
