package io.segvid.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.segvid.capture.Redact;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member of the worker group. Kafka assigns it partitions of the jobs topic (membership,
 * assignment and failover are the group's); it runs their jobs one at a time. A job's offset is
 * committed only after its outputs were renamed into place, so a worker that dies mid-job leaves the
 * job to whoever gets the partition next, who redoes it. While a job runs the worker keeps polling
 * with its partitions paused, which keeps it in the group however long the job takes.
 */
public final class Worker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

  private final KafkaSettings settings;
  private final String id;
  private final JobRunner runner;
  private final KafkaConsumer<String, String> consumer;
  private final KafkaProducer<String, String> status;
  private final ExecutorService jobThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "segvid-job"));
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final Set<TopicPartition> revoked = ConcurrentHashMap.newKeySet();
  private final AtomicInteger assigned = new AtomicInteger();
  private final Counter rebalances;
  private final MeterRegistry registry;
  private volatile boolean jobRunning;

  public Worker(KafkaSettings settings, String id, JobRunner runner, MeterRegistry registry) throws InterruptedException {
    this.settings = settings;
    this.id = id;
    this.runner = runner;
    this.registry = registry;
    try (Admin admin = Admin.create(settings.admin())) {
      Topics.ensure(admin, settings);
    }
    this.consumer = new KafkaConsumer<>(settings.worker("segvid-worker-" + id));
    this.status = new KafkaProducer<>(settings.producer("segvid-worker-" + id));
    rebalances = Counter.builder("segvid.worker.rebalances").description("partitions assigned or revoked")
        .register(registry);
    registry.gauge("segvid.worker.partitions", assigned);
  }

  public String id() {
    return id;
  }

  /** Runs jobs until {@link #stop()}; a job running then is handed back (not committed, its temporary files removed). */
  public void run() throws InterruptedException {
    consumer.subscribe(List.of(Topics.JOBS), new Rebalance());
    LOG.info("worker {} joined group {} at {}", id, settings.group(), settings.bootstrapServers());
    try {
      while (!stopping.get()) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          if (stopping.get()) {
            consumer.seek(new TopicPartition(record.topic(), record.partition()), record.offset());
            break;
          }
          handle(record);
        }
      }
    } catch (WakeupException e) {
      // stop() while polling
    } finally {
      consumer.close(Duration.ofSeconds(10));  // leaves the group: its partitions move now, not after a timeout
      status.close(Duration.ofSeconds(10));
      jobThread.shutdownNow();
      LOG.info("worker {} left the group", id);
    }
  }

  /** Asks the loop to end (SIGTERM); thread-safe. */
  public void stop() {
    stopping.set(true);
    if (!jobRunning) consumer.wakeup();
  }

  private void handle(ConsumerRecord<String, String> record) throws InterruptedException {
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    JobSpec job = Json.read(record.value(), JobSpec.class);
    if (job == null || job.id() == null || job.source() == null || job.sinks() == null) {
      String jobId = record.key() == null ? "offset-" + record.offset() : record.key();
      publish(new JobStatus(jobId, JobStatus.State.FAILED, id, null, List.of(), "not a segvid job record", 0, now()));
      commit(tp, record.offset());
      return;
    }
    TempOutputs outputs;
    try {
      outputs = new TempOutputs(job.sinks(), id, job.id());
      outputs.clean();
    } catch (IllegalArgumentException | java.io.IOException e) {
      finish(job, tp, record.offset(), JobRunner.Result.failed(e.getMessage()), 0);
      return;
    }
    publish(status(job, JobStatus.State.RUNNING, null, 0));
    LOG.info("job {}: {} (partition {})", job.id(), Redact.url(job.source()), record.partition());
    long started = System.nanoTime();
    revoked.clear();
    jobRunning = true;
    consumer.pause(consumer.assignment());
    Cancellation cancel = new Cancellation();
    Future<JobRunner.Result> running = jobThread.submit(() -> runner.run(job.source(), outputs.sinks(), cancel));
    try {
      while (!running.isDone()) {
        // Keeps the membership alive; nothing comes back while paused, except from partitions a
        // rebalance just assigned, which are paused too and read again later.
        for (ConsumerRecord<String, String> early : consumer.poll(Duration.ofMillis(200))) {
          consumer.seek(new TopicPartition(early.topic(), early.partition()), early.offset());
        }
        consumer.pause(consumer.assignment());
        if (stopping.get() || revoked.contains(tp)) cancel.cancel();
      }
      JobRunner.Result result = get(running);
      if (cancel.cancelled()) {
        handBack(job, outputs, tp, record.offset());
        return;
      }
      if (result.ok()) {
        try {
          outputs.promote();
        } catch (java.io.IOException e) {
          result = JobRunner.Result.failed("cannot move the outputs into place: " + e.getMessage());
        }
      }
      if (!result.ok()) cleanQuietly(outputs);
      finish(job, tp, record.offset(), result, System.nanoTime() - started);
    } finally {
      jobRunning = false;
      consumer.resume(consumer.assignment());
    }
  }

  private void finish(JobSpec job, TopicPartition tp, long offset, JobRunner.Result result, long nanos) {
    publish(status(job, result.ok() ? JobStatus.State.DONE : JobStatus.State.FAILED, result.error(), result.frames()));
    commit(tp, offset);
    String outcome = result.ok() ? "done" : "failed";
    Counter.builder("segvid.worker.jobs").tag("outcome", outcome).description("jobs finished").register(registry).increment();
    Timer.builder("segvid.worker.job.duration").tag("outcome", outcome).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    if (result.ok() && result.error() != null) LOG.warn("job {} done: {} frames; {}", job.id(), result.frames(), result.error());
    else if (result.ok()) LOG.info("job {} done: {} frames", job.id(), result.frames());
    else LOG.warn("job {} failed: {}", job.id(), result.error());
  }

  /** Not committed: whoever owns the partition next runs the job again. */
  private void handBack(JobSpec job, TempOutputs outputs, TopicPartition tp, long offset) {
    cleanQuietly(outputs);
    if (consumer.assignment().contains(tp)) consumer.seek(tp, offset);
    publish(status(job, JobStatus.State.QUEUED, null, 0));
    LOG.info("job {} handed back", job.id());
  }

  private void commit(TopicPartition tp, long offset) {
    if (!consumer.assignment().contains(tp)) return;  // moved away meanwhile: the new owner redoes it
    consumer.commitSync(Map.of(tp, new OffsetAndMetadata(offset + 1)));
  }

  private JobStatus status(JobSpec job, JobStatus.State state, String error, long frames) {
    return new JobStatus(job.id(), state, id, Redact.url(job.source()), job.sinks(), error, frames, now());
  }

  private void publish(JobStatus s) {
    Topics.writeStatus(status, Topics.JOB_STATUS, s.id(), s);
  }

  private static void cleanQuietly(TempOutputs outputs) {
    try {
      outputs.clean();
    } catch (java.io.IOException e) {
      LOG.warn("could not remove temporary outputs: {}", e.getMessage());
    }
  }

  private static JobRunner.Result get(Future<JobRunner.Result> f) throws InterruptedException {
    try {
      return f.get();
    } catch (java.util.concurrent.ExecutionException e) {
      return JobRunner.Result.failed(String.valueOf(e.getCause().getMessage()));
    }
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  @Override
  public void close() {
    stop();
  }

  /** Cooperative rebalancing: only partitions that move are revoked; a running job's revocation cancels it. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      revoked.addAll(partitions);
      assigned.addAndGet(-partitions.size());
      if (!partitions.isEmpty()) rebalances.increment();
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      assigned.addAndGet(partitions.size());
      if (!partitions.isEmpty()) rebalances.increment();
      if (jobRunning) consumer.pause(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      onPartitionsRevoked(partitions);
    }
  }
}
