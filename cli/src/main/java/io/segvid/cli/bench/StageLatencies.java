package io.segvid.cli.bench;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.segvid.pipeline.metrics.PipelineMetrics;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Per-stage latency percentiles of one stream, as the benchmark reports them (ms, 2 decimals). */
final class StageLatencies {

  private StageLatencies() { }

  static Map<String, Object> of(PipelineMetrics m) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Timer t : m.registry().find(PipelineMetrics.STAGE_LATENCY).tag("stream", m.stream()).timers()) {
      out.put(t.getId().getTag("stage"), percentiles(t));
    }
    out.put("capture_to_rendered", percentiles(m.endToEnd));
    return out;
  }

  private static Map<String, Object> percentiles(Timer t) {
    Map<String, Object> p = new LinkedHashMap<>();
    for (ValueAtPercentile v : t.takeSnapshot().percentileValues()) {
      p.put("p" + Math.round(v.percentile() * 100), round(v.value(TimeUnit.MILLISECONDS)));
    }
    p.put("mean", round(t.mean(TimeUnit.MILLISECONDS)));
    return p;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
