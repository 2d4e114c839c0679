package io.segvid.cluster;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How to reach the cluster: the bootstrap servers, the worker group, and any other client settings a
 * real cluster needs (security.protocol, sasl.*, ssl.*), taken as they are from a properties file in
 * Kafka's own format, so every option the Kafka clients know works here unchanged.
 */
public record KafkaSettings(String bootstrapServers, String group, Properties client) {

  public static final String DEFAULT_GROUP = "segvid-workers";
  /** How long a cluster call may take unless the client file says otherwise. */
  private static final int DEFAULT_API_TIMEOUT_MS = 30_000;

  /** {@code clientConfig} may be null; its settings apply to every producer, consumer and admin client. */
  public static KafkaSettings of(String bootstrapServers, String group, Path clientConfig) throws IOException {
    Properties p = new Properties();
    if (clientConfig != null) {
      try (Reader r = Files.newBufferedReader(clientConfig)) {
        p.load(r);
      }
    }
    return new KafkaSettings(bootstrapServers, group == null ? DEFAULT_GROUP : group, p);
  }

  Properties admin() {
    Properties p = new Properties();
    p.putAll(client);
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.putIfAbsent(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, DEFAULT_API_TIMEOUT_MS);
    return p;
  }

  /** How long a cluster call may take before it fails (the client file's default.api.timeout.ms, else 30 s). */
  long apiTimeoutSeconds() {
    return Long.parseLong(String.valueOf(client.getOrDefault(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG,
        DEFAULT_API_TIMEOUT_MS))) / 1000;
  }

  Properties producer(String clientId) {
    Properties p = admin();
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return p;
  }

  /** A member of the worker group: offsets committed by hand, one job at a time, cooperative rebalancing. */
  Properties worker(String clientId) {
    Properties p = reader(clientId);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    // A dead worker's jobs move after this long without heartbeats; the file's settings win.
    p.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    p.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
    p.putAll(client);
    return p;
  }

  /** The cameras' group: its own, so camera partitions are spread independently of the jobs'. */
  String cameraGroup() {
    return group + ".cameras";
  }

  /**
   * A member of the cameras group: reads its partitions as a table from the start on every assignment,
   * so it never commits; cooperative rebalancing keeps the cameras that do not move running.
   */
  Properties cameraMember(String clientId) {
    Properties p = reader(clientId);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, cameraGroup());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    p.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    p.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
    p.putAll(client);
    return p;
  }

  /** A consumer outside any group (reads topics by assignment). */
  Properties reader(String clientId) {
    Properties p = admin();
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return p;
  }
}
