package io.segvid.output;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.util.List;

/**
 * A stream's meters as objects, handed by the pipeline (which registers them) to the sinks that
 * show them, so no sink looks meters up by name.
 */
public record StreamMeters(Counter captured, Counter rendered, List<Counter> dropped, Timer latency) {

  public long droppedCount() {
    double sum = 0;
    for (Counter c : dropped) sum += c.count();
    return (long) sum;
  }
}
