package io.segvid.cluster;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topics segvid uses: jobs (one record per submitted job, spread over partitions, each partition
 * owned by one worker of the group at a time), job status (compacted: the latest state of each job,
 * keyed by job id), cameras (compacted, keyed by camera id; a camera runs on the worker owning its
 * partition) and camera status. Created on first use when the cluster allows it; an operator may create them
 * beforehand with other partition counts or replication.
 */
public final class Topics {

  public static final String JOBS = "segvid.jobs";
  public static final String JOB_STATUS = "segvid.job-status";
  /** Compacted, keyed by camera id: the cameras the group runs (a tombstone removes one). */
  public static final String CAMERAS = "segvid.cameras";
  /** Compacted, keyed by camera id: which worker runs it, or why it failed. */
  public static final String CAMERA_STATUS = "segvid.camera-status";
  /** Upper bound on workers that can share the jobs; more partitions than workers is fine. */
  static final int JOB_PARTITIONS = 12;

  private static final Logger LOG = LoggerFactory.getLogger(Topics.class);

  private Topics() { }

  /**
   * Writes a status record and waits for the broker's acknowledgement; a failure is logged, not
   * thrown: status is for people watching, and the work it describes goes on without it.
   */
  static void writeStatus(KafkaProducer<String, String> producer, String topic, String key, Object status) {
    try {
      producer.send(new ProducerRecord<>(topic, key, Json.write(status))).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("could not publish to {} the status of {}: {}", topic, key, e.getMessage());
    }
  }

  private static NewTopic compacted(String name, int partitions) {
    return new NewTopic(name, partitions, (short) -1).configs(Map.of(
        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
  }

  static void ensure(Admin admin, KafkaSettings settings) throws InterruptedException {
    Set<String> existing;
    try {
      existing = admin.listTopics().names().get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
        // The first call to a cluster: a timeout here means nothing answered at that address.
        throw new ClusterException("cannot reach Kafka at " + settings.bootstrapServers() + ": no broker answered within "
            + settings.apiTimeoutSeconds() + " s");
      }
      throw new ClusterException("cannot list the cluster's topics: " + e.getCause().getMessage());
    }
    List<NewTopic> missing = new java.util.ArrayList<>();
    if (!existing.contains(JOBS)) missing.add(new NewTopic(JOBS, JOB_PARTITIONS, (short) -1));
    if (!existing.contains(JOB_STATUS)) missing.add(compacted(JOB_STATUS, 3));
    if (!existing.contains(CAMERAS)) missing.add(compacted(CAMERAS, JOB_PARTITIONS));
    if (!existing.contains(CAMERA_STATUS)) missing.add(compacted(CAMERA_STATUS, 3));
    if (missing.isEmpty()) return;
    try {
      admin.createTopics(missing).all().get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new ClusterException("cannot create topics " + missing.stream().map(NewTopic::name).toList() + ": "
            + e.getCause().getMessage());
      }
    }
  }
}
