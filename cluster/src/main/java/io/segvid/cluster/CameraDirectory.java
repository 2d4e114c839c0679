package io.segvid.cluster;

import io.segvid.capture.Redact;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The operator's side of live cameras: adds and removes them on the compacted cameras topic (keyed by
 * id, so the topic holds each camera's latest definition) and lists them with what the workers said.
 */
public final class CameraDirectory implements AutoCloseable {

  /** A camera as listed: its definition (redacted source) and its last status, null before a worker took it. */
  public record Listed(CameraSpec spec, CameraStatus status) { }

  private final KafkaSettings settings;
  private final Admin admin;

  public CameraDirectory(KafkaSettings settings) throws InterruptedException {
    this.settings = settings;
    this.admin = Admin.create(settings.admin());
    Topics.ensure(admin, settings);
  }

  /** Adds the camera, or replaces the definition of one with this id (its worker restarts it). */
  public void add(String id, String source, List<String> sinks) throws InterruptedException {
    requireId(id);
    if (source == null || source.isBlank()) throw new IllegalArgumentException("camera " + id + " needs a --source");
    if (sinks.isEmpty()) throw new IllegalArgumentException("camera " + id + " needs at least one --sink");
    send(id, Json.write(new CameraSpec(id, source, List.copyOf(sinks), System.currentTimeMillis())));
  }

  /** Removes the camera (a tombstone); false when no camera has this id. */
  public boolean remove(String id) throws InterruptedException {
    requireId(id);
    if (!TopicTable.read(settings, Topics.CAMERAS, "segvid-cameras").containsKey(id)) return false;
    send(id, null);
    return true;
  }

  /** Every camera with its latest status, in the order they were added. */
  public List<Listed> list() {
    Map<String, String> statuses = TopicTable.read(settings, Topics.CAMERA_STATUS, "segvid-cameras");
    List<Listed> listed = new ArrayList<>();
    for (String value : TopicTable.read(settings, Topics.CAMERAS, "segvid-cameras").values()) {
      CameraSpec spec = Json.read(value, CameraSpec.class);
      if (spec == null) continue;
      CameraStatus status = Json.read(statuses.get(spec.id()), CameraStatus.class);
      listed.add(new Listed(new CameraSpec(spec.id(), Redact.url(spec.source()),
          spec.sinks().stream().map(Redact::url).toList(), spec.addedMillis()), status));
    }
    listed.sort(java.util.Comparator.comparingLong(l -> l.spec().addedMillis()));
    return listed;
  }

  private void send(String id, String value) throws InterruptedException {
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(settings.producer("segvid-cameras"))) {
      producer.send(new ProducerRecord<>(Topics.CAMERAS, id, value)).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new ClusterException("cannot write camera " + id + ": "
          + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
    }
  }

  private static void requireId(String id) {
    if (id == null || !id.matches("[A-Za-z0-9._-]{1,100}")) {
      throw new IllegalArgumentException("a camera id is 1-100 letters, digits, '.', '_' or '-', got '" + id + "'");
    }
  }

  @Override
  public void close() {
    admin.close();
  }
}
