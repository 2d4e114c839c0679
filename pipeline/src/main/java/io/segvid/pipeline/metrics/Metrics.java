package io.segvid.pipeline.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The run's meter registry: Prometheus-backed (so it can be scraped), with JVM heap, GC, threads,
 * CPU, and the process's resident memory (which includes what TensorFlow, FFmpeg and OpenCV hold
 * natively, invisible to the JVM's own meters).
 */
public final class Metrics {

  private Metrics() { }

  public static PrometheusMeterRegistry create() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    Gauge.builder("segvid.process.resident.memory", Memory::residentBytes).baseUnit("bytes")
        .description("resident set size of the process, native allocations included").register(registry);
    return registry;
  }
}
