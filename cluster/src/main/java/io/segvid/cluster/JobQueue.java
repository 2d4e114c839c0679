package io.segvid.cluster;

import io.segvid.capture.Redact;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The client side of batch jobs: submits a job to the partition with the shortest queue (so jobs
 * spread evenly over the workers that own the partitions), and reads the jobs' status back.
 */
public final class JobQueue implements AutoCloseable {

  private final KafkaSettings settings;
  private final Admin admin;

  public JobQueue(KafkaSettings settings) throws InterruptedException {
    this.settings = settings;
    this.admin = Admin.create(settings.admin());
    Topics.ensure(admin, settings);
  }

  /** Puts a job on the jobs topic (and QUEUED on the status topic); returns its id. */
  public String submit(String source, List<String> sinks) throws InterruptedException {
    new TempOutputs(sinks, "check", "check");  // refuses sinks a batch job cannot have, before anything is queued
    String id = UUID.randomUUID().toString().substring(0, 8);
    JobSpec job = new JobSpec(id, source, List.copyOf(sinks), System.currentTimeMillis());
    int partition = shortestQueue();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(settings.producer("segvid-submit-" + id))) {
      producer.send(new ProducerRecord<>(Topics.JOB_STATUS, id, Json.write(new JobStatus(id, JobStatus.State.QUEUED,
          null, Redact.url(source), sinks, null, 0, System.currentTimeMillis())))).get();
      producer.send(new ProducerRecord<>(Topics.JOBS, partition, id, Json.write(job))).get();
    } catch (ExecutionException e) {
      throw new ClusterException("cannot submit the job: " + e.getCause().getMessage());
    }
    return id;
  }

  /**
   * Where a new job waits least: the worker (group member) with the fewest queued jobs, and among its
   * partitions the one with the shortest queue. A queue is a partition's records not yet committed by
   * the group (the job running counts). Without workers yet, the shortest partition queue. Ties are
   * broken at random, so submitters do not all pick the same partition.
   */
  private int shortestQueue() throws InterruptedException {
    try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(settings.reader("segvid-submit"))) {
      List<TopicPartition> partitions = TopicTable.partitions(reader, Topics.JOBS);
      Map<TopicPartition, Long> ends = reader.endOffsets(partitions);
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
          Map.of(settings.group(), new ListConsumerGroupOffsetsSpec().topicPartitions(partitions)))
          .partitionsToOffsetAndMetadata(settings.group()).get();
      Map<TopicPartition, Long> queue = new java.util.HashMap<>();
      for (TopicPartition tp : partitions) {
        OffsetAndMetadata c = committed.get(tp);
        queue.put(tp, ends.get(tp) - (c == null ? 0 : c.offset()));
      }
      List<List<TopicPartition>> owners = new ArrayList<>();
      for (MemberDescription m : admin.describeConsumerGroups(List.of(settings.group())).describedGroups()
          .get(settings.group()).get().members()) {
        List<TopicPartition> owned = m.assignment().topicPartitions().stream()
            .filter(tp -> tp.topic().equals(Topics.JOBS)).toList();
        if (!owned.isEmpty()) owners.add(owned);
      }
      if (owners.isEmpty()) owners.add(partitions);
      java.util.Collections.shuffle(owners);
      List<TopicPartition> least = owners.stream()
          .min(java.util.Comparator.comparingLong(o -> o.stream().mapToLong(queue::get).sum())).orElseThrow();
      List<TopicPartition> candidates = new ArrayList<>(least);
      java.util.Collections.shuffle(candidates);
      return candidates.stream().min(java.util.Comparator.comparingLong(queue::get)).orElseThrow().partition();
    } catch (ExecutionException e) {
      throw new ClusterException("cannot read the job queues: " + e.getCause().getMessage());
    }
  }

  /** The latest status of every job the status topic holds, oldest first. */
  public Collection<JobStatus> statuses() {
    List<JobStatus> sorted = new ArrayList<>();
    for (String value : TopicTable.read(settings, Topics.JOB_STATUS, "segvid-jobs").values()) {
      JobStatus s = Json.read(value, JobStatus.class);
      if (s != null) sorted.add(s);
    }
    sorted.sort(java.util.Comparator.comparingLong(JobStatus::updatedMillis));
    return sorted;
  }

  /** Waits until the job is done or failed; its last status. */
  public JobStatus await(String id, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(settings.reader("segvid-wait-" + id))) {
      TopicTable.fromStart(reader, Topics.JOB_STATUS);
      JobStatus last = null;
      while (System.nanoTime() < deadline) {
        for (var r : reader.poll(Duration.ofMillis(500))) {
          if (!id.equals(r.key())) continue;
          JobStatus s = Json.read(r.value(), JobStatus.class);
          if (s != null) last = s;
        }
        if (last != null && last.state().finished()) return last;
      }
      throw new ClusterException("job " + id + " did not finish within " + timeout.toSeconds() + " s"
          + (last == null ? "" : " (last seen " + last.state() + ")"));
    }
  }

  @Override
  public void close() {
    admin.close();
  }
}
