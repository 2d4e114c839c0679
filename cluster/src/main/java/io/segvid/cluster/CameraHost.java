package io.segvid.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.segvid.capture.Redact;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cameras side of a worker. The compacted cameras topic is a table keyed by camera id; the group
 * (its own, {@code GROUP.cameras}) splits its partitions over the workers, and each worker runs the
 * cameras of the partitions it owns, reading them from the start of a partition whenever it is
 * assigned one. Rebalancing is cooperative: only partitions that move are revoked, so the cameras of
 * the others keep running. A camera whose pipeline ends by itself (camera unreachable at start, a sink
 * failing) is restarted after a growing pause; one with bad input waits for a new definition.
 */
public final class CameraHost implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CameraHost.class);
  private static final long FIRST_RETRY_MILLIS = 2_000;
  private static final long LAST_RETRY_MILLIS = 30_000;

  private final KafkaSettings settings;
  private final String worker;
  private final CameraRunner runner;
  private final KafkaConsumer<String, String> consumer;
  private final KafkaProducer<String, String> status;
  private final Map<String, Camera> cameras = new ConcurrentHashMap<>();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final Counter rebalances;
  private final Counter restarts;

  /** A camera this worker owns: its definition, where it came from, and its pipeline while one runs. */
  private static final class Camera {
    final CameraSpec spec;
    final TopicPartition partition;
    CameraRunner.Running running;
    long startedMillis;
    long retryAtMillis;
    long retryDelayMillis = FIRST_RETRY_MILLIS;
    boolean badInput;
    boolean reportedRunning;
    long reportedMillis;

    Camera(CameraSpec spec, TopicPartition partition) {
      this.spec = spec;
      this.partition = partition;
    }
  }

  public CameraHost(KafkaSettings settings, String worker, CameraRunner runner, MeterRegistry registry)
      throws InterruptedException {
    this.settings = settings;
    this.worker = worker;
    this.runner = runner;
    try (Admin admin = Admin.create(settings.admin())) {
      Topics.ensure(admin, settings);
    }
    consumer = new KafkaConsumer<>(settings.cameraMember("segvid-cameras-" + worker));
    status = new KafkaProducer<>(settings.producer("segvid-camera-status-" + worker));
    rebalances = Counter.builder("segvid.worker.camera.rebalances").description("camera partitions assigned or revoked")
        .register(registry);
    restarts = Counter.builder("segvid.worker.camera.restarts").description("camera pipelines restarted after ending")
        .register(registry);
    registry.gauge("segvid.worker.cameras", cameras, m -> m.values().stream().filter(c -> c.running != null).count());
  }

  /** Runs the assigned cameras until {@link #stop()}; then stops them and leaves the group. */
  public void run() {
    consumer.subscribe(List.of(Topics.CAMERAS), new Rebalance());
    LOG.info("worker {} runs cameras for group {}", worker, settings.cameraGroup());
    try {
      while (!stopping.get()) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) apply(r);
        supervise();
      }
    } catch (WakeupException e) {
      // stop() while polling
    } finally {
      for (String id : new ArrayList<>(cameras.keySet())) stopCamera(id);
      consumer.close(Duration.ofSeconds(10));  // leaves the group: the cameras move now, not after a timeout
      status.close(Duration.ofSeconds(10));
      LOG.info("worker {} stopped its cameras", worker);
    }
  }

  public void stop() {
    stopping.set(true);
    consumer.wakeup();
  }

  /** A new definition starts or restarts the camera; a tombstone stops it; a repeat of the running one changes nothing. */
  private void apply(ConsumerRecord<String, String> r) {
    if (r.key() == null) return;
    Camera current = cameras.get(r.key());
    if (r.value() == null) {
      if (current != null) {
        stopCamera(r.key());
        publish(r.key(), CameraStatus.State.STOPPED, current.spec.source(), null, 0);
      }
      return;
    }
    CameraSpec spec = Json.read(r.value(), CameraSpec.class);
    if (spec == null || !r.key().equals(spec.id())) {
      LOG.warn("camera record {} is not a segvid camera definition", r.key());
      return;
    }
    if (current != null && current.spec.equals(spec)) return;
    if (current != null) stopCamera(r.key());
    Camera camera = new Camera(spec, new TopicPartition(r.topic(), r.partition()));
    cameras.put(spec.id(), camera);
    start(camera);
  }

  private void start(Camera camera) {
    CameraSpec spec = camera.spec;
    try {
      camera.running = runner.start(spec.id(), spec.source(), spec.sinks());
      camera.startedMillis = System.currentTimeMillis();
      camera.reportedRunning = false;
      publish(spec.id(), CameraStatus.State.STARTING, spec.source(), null, camera.startedMillis);
      LOG.info("camera {}: {} started", spec.id(), Redact.url(spec.source()));
    } catch (IllegalArgumentException e) {
      camera.badInput = true;
      publish(spec.id(), CameraStatus.State.FAILED, spec.source(), e.getMessage(), 0);
      LOG.warn("camera {} not started: {}", spec.id(), Redact.url(e.getMessage()));
    }
  }

  /**
   * Reports cameras whose frames started flowing, and again every
   * {@link CameraStatus#REPORT_EVERY_MILLIS} while they do; restarts cameras whose pipeline ended by
   * itself, after a pause that grows while they keep failing.
   */
  private void supervise() {
    long now = System.currentTimeMillis();
    for (Camera c : cameras.values()) {
      if (c.badInput) continue;
      boolean due = !c.reportedRunning || now - c.reportedMillis >= CameraStatus.REPORT_EVERY_MILLIS;
      if (c.running != null && due && !c.running.ended() && c.running.flowing()) {
        // First report once frames flow, then repeated: a report that stops coming says the worker is gone.
        c.reportedRunning = true;
        c.reportedMillis = now;
        publish(c.spec.id(), CameraStatus.State.RUNNING, c.spec.source(), null, c.startedMillis);
      } else if (c.running != null && c.running.ended()) {
        String why = c.running.failure() == null ? "ended" : c.running.failure();
        c.running = null;
        // A camera that ran a while before failing starts again from the shortest pause.
        if (now - c.startedMillis > LAST_RETRY_MILLIS) c.retryDelayMillis = FIRST_RETRY_MILLIS;
        c.retryAtMillis = now + c.retryDelayMillis;
        publish(c.spec.id(), CameraStatus.State.FAILED, c.spec.source(),
            why + " (retrying in " + c.retryDelayMillis / 1000 + " s)", c.startedMillis);
        LOG.warn("camera {} ended: {}", c.spec.id(), Redact.url(why));
        c.retryDelayMillis = Math.min(LAST_RETRY_MILLIS, c.retryDelayMillis * 2);
      } else if (c.running == null && now >= c.retryAtMillis) {
        restarts.increment();
        start(c);
      }
    }
  }

  private void stopCamera(String id) {
    Camera c = cameras.remove(id);
    if (c != null && c.running != null) {
      c.running.stop();
      LOG.info("camera {} stopped on {}", id, worker);
    }
  }

  private void publish(String id, CameraStatus.State state, String source, String error, long started) {
    CameraStatus s = new CameraStatus(id, state, worker, Redact.url(source), Redact.url(error), started,
        System.currentTimeMillis());
    Topics.writeStatus(status, Topics.CAMERA_STATUS, id, s);
  }

  @Override
  public void close() {
    stop();
  }

  /** Cooperative: revoked partitions' cameras stop before the new owner starts them; assigned ones are read from the start. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) return;
      rebalances.increment();
      for (Camera c : new ArrayList<>(cameras.values())) {
        if (partitions.contains(c.partition)) stopCamera(c.spec.id());
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) return;
      rebalances.increment();
      consumer.seekToBeginning(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      onPartitionsRevoked(partitions);
    }
  }
}
