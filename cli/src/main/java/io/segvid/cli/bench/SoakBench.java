package io.segvid.cli.bench;

import io.segvid.pipeline.metrics.Memory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segvid.capture.Sources;
import io.segvid.config.PipelineConfig;
import io.segvid.pipeline.Pipeline;
import io.segvid.output.RecordingSink;
import io.segvid.pipeline.StopSignal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Resident memory over a long run of the full pipeline. */
record SoakBench(PipelineConfig config, Path video, Benchmark.Models models, Path work) {

  /**
   * Resident memory over a long run: the video looped without pacing through the full pipeline into
   * a recording (decoder, model, renderer and encoder all in play), lossless, RSS sampled every tenth
   * of the way. A leak per frame shows as a slope.
   */
  void run(Map<String, Object> r, long soakFrames) throws Exception {
    String graph = "lavfi:movie=" + io.segvid.capture.Sources.escapeFilterPath(video.toAbsolutePath().toString())
        + ":loop=0,setpts=N/FRAME_RATE/TB,nopace";
    StopSignal stop = new StopSignal();
    List<Pipeline.StreamSpec> specs = List.of(new Pipeline.StreamSpec(Sources.parse(graph),
        List.of(new RecordingSink(work.resolve("soak.mkv"), config.recording()))));
    List<Double> samples = new ArrayList<>();
    List<Double> heap = new ArrayList<>();
    AtomicLong rendered = new AtomicLong();
    long step = Math.max(1, soakFrames / 10);
    Pipeline.Listener listener = new Pipeline.Listener() {
      @Override
      public void frameRendered() {
        long n = rendered.incrementAndGet();
        if (n % step == 0) {
          samples.add(BenchMath.mb(Memory.residentBytes()));
          heap.add(BenchMath.mb(Memory.heapCommittedBytes()));
        }
        if (n >= soakFrames) stop.request("soak done");
      }
    };
    PipelineConfig soakConfig = config.withProgress(false).withRing(new io.segvid.config.RingConfig(
        config.ring().size(), io.segvid.config.RingPolicy.LOSSLESS));
    long t0 = System.nanoTime();
    Pipeline.run(soakConfig, specs, models::open, new SimpleMeterRegistry(), stop, listener);
    if (stop.failure() != null) throw new IllegalStateException("soak failed: " + stop.failure().getMessage(), stop.failure());
    r.put("soak_frames", rendered.get());
    r.put("soak_fps", BenchMath.round(rendered.get() / ((System.nanoTime() - t0) / 1e9)));
    r.put("soak_rss_mb", samples);
    // RSS includes the Java heap, whose pages G1 touches over time even at a fixed committed size:
    // read RSS growth beside this (docs/performance.md: pre-touch the heap to see native memory alone).
    r.put("soak_heap_committed_mb", heap);
    if (samples.size() >= 3) {
      // Growth from the second sample (after warm-up and first-use allocations) to the last.
      r.put("soak_rss_growth_mb", BenchMath.round(samples.get(samples.size() - 1) - samples.get(1), 1));
    }
  }
}
