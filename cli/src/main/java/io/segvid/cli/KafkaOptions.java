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
}
