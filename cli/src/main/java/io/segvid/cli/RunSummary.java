package io.segvid.cli;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.segvid.pipeline.Pipeline;
import io.segvid.pipeline.metrics.PipelineMetrics;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** The end-of-run report, read from the Micrometer meters: frames, drops, per-stage latency percentiles. */
final class RunSummary {

  /** Below this share of a source's frames rendered, the summary suggests how to keep up. */
  private static final double KEPT_UP_SHARE = 0.75;

  private RunSummary() { }

  static void print(Pipeline.Outcome outcome, PrintStream out) {
    for (String w : outcome.warnings()) out.println("warning: " + w);
    for (int i = 0; i < outcome.streams().size(); i++) {
      PipelineMetrics m = outcome.metrics().get(i);
      long ringFull = (long) m.droppedRingFull.count();
      long in = (long) m.framesIn.count();
      long rendered = (long) m.framesOut.count();
      long stale = (long) m.droppedStale.count();
      out.printf(Locale.ROOT, "stream %d (%s): %d frames in, %d out; %d dropped at the ring edge, %d skipped as stale;"
              + " %.1f s, %.1f fps%n", i, outcome.streams().get(i).name(), in + ringFull, rendered, ringFull, stale,
          outcome.seconds(), rendered / Math.max(1e-9, outcome.seconds()));
      long offered = in + ringFull;
      if (stale + ringFull > 0 && rendered < KEPT_UP_SHARE * offered) {
        // A live source outran the model: say what to turn, not only how many frames were lost.
        out.printf(Locale.ROOT, "  the model kept up with %d %% of this source's frames; a smaller --input-size"
            + " (e.g. 288x384) or a lower camera frame rate trades detail for frames%n", Math.round(100.0 * rendered / offered));
      }
      if (m.disconnects.count() > 0 || m.stalls.count() > 0) {
        out.printf(Locale.ROOT, "  source: %d disconnects, %d stalls (reconnected each time)%n",
            (long) m.disconnects.count(), (long) m.stalls.count());
      }
      out.printf(Locale.ROOT, "  %-18s %8s %8s %8s %8s%n", "latency (ms)", "p50", "p95", "p99", "mean");
      m.registry().find(PipelineMetrics.STAGE_LATENCY).tag("stream", m.stream()).timers()
          .forEach(t -> row(out, t.getId().getTag("stage"), t));
      row(out, "capture→rendered", m.endToEnd);
    }
  }

  private static void row(PrintStream out, String name, Timer t) {
    if (t.count() == 0) return;
    HistogramSnapshot s = t.takeSnapshot();
    double p50 = 0;
    double p95 = 0;
    double p99 = 0;
    for (ValueAtPercentile v : s.percentileValues()) {
      double ms = v.value(TimeUnit.MILLISECONDS);
      if (v.percentile() == 0.5) p50 = ms;
      else if (v.percentile() == 0.95) p95 = ms;
      else if (v.percentile() == 0.99) p99 = ms;
    }
    out.printf(Locale.ROOT, "  %-18s %8.2f %8.2f %8.2f %8.2f%n", name, p50, p95, p99, s.mean(TimeUnit.MILLISECONDS));
  }
}
