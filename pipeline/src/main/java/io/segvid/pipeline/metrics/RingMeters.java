package io.segvid.pipeline.metrics;

import com.lmax.disruptor.RingBuffer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/** The ring's size and occupancy (slots published but not yet through every stage). */
public record RingMeters(RingBuffer<?> ring) implements MeterBinder {

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("segvid.ring.occupancy", ring, r -> r.getBufferSize() - r.remainingCapacity())
        .description("ring slots in use").register(registry);
    Gauge.builder("segvid.ring.size", ring, RingBuffer::getBufferSize).description("ring slots").register(registry);
  }
}
