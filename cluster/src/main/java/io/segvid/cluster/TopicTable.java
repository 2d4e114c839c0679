package io.segvid.cluster;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A compacted topic read as a table: the latest value of every key, from the start of each partition
 * to its end as of the read (a null value, a tombstone, removes the key). Keys keep the order in which
 * they were last written within a partition.
 */
final class TopicTable {

  private TopicTable() { }

  static Map<String, String> read(KafkaSettings settings, String topic, String clientId) {
    Map<String, String> latest = new LinkedHashMap<>();
    try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(settings.reader(clientId))) {
      List<TopicPartition> partitions = fromStart(reader, topic);
      Map<TopicPartition, Long> ends = reader.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> reader.position(tp) < ends.get(tp))) {
        for (var r : reader.poll(Duration.ofMillis(500))) {
          if (r.key() == null) continue;
          latest.remove(r.key());
          if (r.value() != null) latest.put(r.key(), r.value());
        }
      }
    }
    return latest;
  }

  static List<TopicPartition> partitions(KafkaConsumer<String, String> reader, String topic) {
    return reader.partitionsFor(topic).stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
  }

  /** Assigns every partition of the topic to the reader, positioned at its start. */
  static List<TopicPartition> fromStart(KafkaConsumer<String, String> reader, String topic) {
    List<TopicPartition> partitions = partitions(reader, topic);
    reader.assign(partitions);
    reader.seekToBeginning(partitions);
    return partitions;
  }
}
