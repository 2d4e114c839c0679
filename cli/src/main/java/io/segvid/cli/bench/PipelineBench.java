package io.segvid.cli.bench;

import io.segvid.pipeline.metrics.Memory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segvid.capture.SourceSpec;
import io.segvid.capture.Sources;
import io.segvid.config.PipelineConfig;
import io.segvid.pipeline.Pipeline;
import io.segvid.output.RecordingSink;
import io.segvid.pipeline.metrics.PipelineMetrics;
import io.segvid.pipeline.StopSignal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** The real pipeline, file to segmented file, with what it costs per frame by thread. */
record PipelineBench(PipelineConfig config, Path video, Benchmark.Models models, Path work) {

  /** The real pipeline, file → segmented file, {@code copies} streams of the same video. */
  double run(int copies, Map<String, Object> r) throws Exception {
    List<Pipeline.StreamSpec> specs = new ArrayList<>();
    StopSignal stop = new StopSignal();
    for (int i = 0; i < copies; i++) {
      SourceSpec src = Sources.parse(video.toString());
      specs.add(new Pipeline.StreamSpec(src, List.of(new RecordingSink(work.resolve("pipeline-" + copies + "-" + i + ".mkv"),
          config.recording()))));
    }
    MeterRegistry registry = new SimpleMeterRegistry();
    long total = r == null ? 0 : (long) (int) r.get("frames");
    AtomicLong rendered = new AtomicLong();
    long[] window = new long[5];  // start nanos, end nanos, process CPU nanos / frames / wall nanos at warm-up
    Map<String, Long> perThread = new java.util.HashMap<>();  // allocated bytes per thread at warm-up
    Map<String, Long> cpuAtWarm = new java.util.HashMap<>();  // CPU nanos per thread at warm-up
    long warmFrames = Math.min(50, total / 4);
    long endFrames = total - warmFrames;
    Pipeline.Listener listener = new Pipeline.Listener() {
      @Override
      public void started(List<io.segvid.pipeline.StreamContext> s) {
        window[0] = System.nanoTime();
      }

      @Override
      public void frameRendered() {
        long n = rendered.incrementAndGet();
        // Steady state only, and while every frame-path thread (capture included) is alive.
        if (r != null && n == warmFrames) {
          perThread.putAll(Memory.allocatedByThread("segvid-"));
          cpuAtWarm.putAll(CpuTime.byThread("segvid-"));
          window[2] = CpuTime.processNanos();
          window[3] = n;
          window[4] = System.nanoTime();
        }
        if (r != null && n == endFrames) {
          Map<String, Long> now = Memory.allocatedByThread("segvid-");
          Map<String, Object> byThread = new LinkedHashMap<>();
          long bytes = 0;
          for (Map.Entry<String, Long> e : now.entrySet()) {
            long delta = e.getValue() - perThread.getOrDefault(e.getKey(), 0L);
            bytes += delta;
            byThread.put(e.getKey(), Math.round((double) delta / (n - window[3])));
          }
          r.put("alloc_bytes_per_frame", Math.round((double) bytes / (n - window[3])));
          r.put("alloc_bytes_per_frame_by_thread", byThread);
          cpuPerFrame(r, cpuAtWarm, window[2], n - window[3], System.nanoTime() - window[4]);
        }
      }

      @Override
      public void finished() {
        window[1] = System.nanoTime();
      }
    };
    Pipeline.Outcome outcome = Pipeline.run(config.withProgress(false), specs, models::open, registry, stop, listener);
    if (stop.failure() != null) throw new IllegalStateException("pipeline failed: " + stop.failure().getMessage(), stop.failure());
    if (r != null) r.put("latency_ms", StageLatencies.of(outcome.metrics().get(0)));
    long frames = 0;
    for (PipelineMetrics m : outcome.metrics()) frames += (long) m.framesOut.count();
    return frames / ((window[1] - window[0]) / 1e9);
  }

  /**
   * Where the pipeline's CPU goes per frame, in steady state: each frame-path thread (its native
   * work included), and the whole process (TensorFlow's own thread pools, GC, ...).
   */
  private static void cpuPerFrame(Map<String, Object> r, Map<String, Long> atWarm, long processAtWarm, long frames,
                                  long wallNanos) {
    Map<String, Object> byThread = new LinkedHashMap<>();
    CpuTime.byThread("segvid-").forEach((name, ns) ->
        byThread.put(name, BenchMath.round((ns - atWarm.getOrDefault(name, 0L)) / 1e6 / frames)));
    r.put("cpu_ms_per_frame_by_thread", byThread);
    long processNanos = CpuTime.processNanos() - processAtWarm;
    r.put("pipeline_cpu_ms_per_frame", BenchMath.round(processNanos / 1e6 / frames));
    // Below the machine's core count, the pipeline leaves CPU idle: stages wait on each other.
    r.put("pipeline_cores_used", BenchMath.round((double) processNanos / wallNanos));
  }
}
