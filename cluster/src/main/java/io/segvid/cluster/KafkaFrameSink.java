package io.segvid.cluster;

import io.segvid.capture.Redact;
import io.segvid.inference.ModelMetadata;
import io.segvid.output.FrameSink;
import io.segvid.output.FrameStatsJson;
import io.segvid.output.RenderedFrame;
import io.segvid.output.SinkContext;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Results as data: one JSON record per frame on a Kafka topic, keyed by stream, for other systems to
 * read: {@code {"stream":"cam7","job":"1f3a9c2e","index":412,"timestamp_us":16480000,"fractions":{...}}}.
 * The frame index lets a consumer drop the duplicates a redone job produces. Address:
 * {@code kafka://HOST:PORT[,HOST:PORT...]/TOPIC[?stream=NAME&job=ID]} (stream defaults to the source's
 * name without credentials). Sends are asynchronous; a send that fails fails the sink (and the run)
 * with the broker's reason.
 */
public final class KafkaFrameSink implements FrameSink {

  public static final String SCHEME = "kafka://";

  private final String bootstrap;
  private final String topic;
  private final String streamName;
  private final String job;
  private final Properties client;
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private KafkaProducer<String, String> producer;
  private FrameStatsJson json;
  private String key;

  private KafkaFrameSink(String bootstrap, String topic, String streamName, String job, Properties client) {
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.streamName = streamName;
    this.job = job;
    this.client = client;
  }

  /** Parses a {@code kafka://} address; {@code client}: extra client properties (security), may be empty. */
  public static KafkaFrameSink parse(String spec, Properties client) {
    return parse(spec, client, null);
  }

  /** As {@link #parse(String, Properties)}, keyed by {@code defaultStream} (a camera id) unless the address names a stream. */
  public static KafkaFrameSink parse(String spec, Properties client, String defaultStream) {
    URI uri;
    try {
      uri = new URI(spec);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("bad kafka sink '" + spec + "': " + e.getReason());
    }
    String hosts = uri.getRawAuthority();
    String topic = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    if (hosts == null || hosts.isBlank() || topic.isBlank()) {
      throw new IllegalArgumentException("kafka sink needs brokers and a topic: kafka://HOST:PORT/TOPIC (got " + spec + ")");
    }
    Map<String, String> query = new LinkedHashMap<>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return new KafkaFrameSink(hosts, topic, query.getOrDefault("stream", defaultStream), query.get("job"), client);
  }

  @Override
  public String describe() {
    return "kafka:" + topic;
  }

  @Override
  public void check() { }

  @Override
  public void open(SinkContext stream, ModelMetadata metadata) throws IOException {
    key = streamName != null ? streamName : Redact.url(stream.name());
    String leading = "\"stream\":" + FrameStatsJson.quote(key) + ",\"job\":" + (job == null ? "null" : FrameStatsJson.quote(job)) + ",";
    json = new FrameStatsJson(metadata, leading);
    Properties p = new Properties();
    p.putAll(client);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "segvid-results-" + key.replaceAll("[^A-Za-z0-9._-]", "_"));
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    // A broker that cannot be reached fails the sink after this, instead of holding the frame path.
    p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try {
      producer = new KafkaProducer<>(p);
      producer.partitionsFor(topic);  // fails now, with a reason, if the brokers or topic cannot be reached
    } catch (RuntimeException e) {
      close();
      throw new IOException("cannot publish to " + topic + " at " + bootstrap + ": " + e.getMessage());
    }
  }

  @Override
  public void video(RenderedFrame frame) throws IOException {
    Exception failed = failure.get();
    if (failed != null) throw new IOException("publishing to " + topic + " failed: " + failed.getMessage());
    try {
      producer.send(new ProducerRecord<>(topic, key, json.of(frame).toString()), (meta, e) -> {
        if (e != null) failure.compareAndSet(null, e);
      });
    } catch (RuntimeException e) {
      throw new IOException("publishing to " + topic + " failed: " + e.getMessage());
    }
  }

  @Override
  public void finish() throws IOException {
    producer.flush();
    Exception failed = failure.get();
    if (failed != null) throw new IOException("publishing to " + topic + " failed: " + failed.getMessage());
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close(java.time.Duration.ofSeconds(5));
      producer = null;
    }
  }
}
