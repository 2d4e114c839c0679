package io.segvid.cli.bench;

import io.segvid.pipeline.metrics.Memory;
import io.segvid.config.PipelineConfig;
import io.segvid.inference.ConvolutionMath;
import io.segvid.inference.Segmenter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures, in one run, on the same model, input size and video: the model alone on preloaded frames,
 * a plain single-thread loop (grab → infer → render → encode), the real pipeline, and the pipeline
 * with several copies of the source; plus per-stage latency, heap allocated per frame on the frame
 * path and resident memory.
 */
public final class Benchmark {

  /** Opens a fresh segmenter for each measurement (the pipeline owns and closes its own). */
  @FunctionalInterface
  public interface Models {
    Segmenter open() throws Exception;
  }

  private final PipelineConfig config;
  private final Path video;
  private final Models models;
  private final int streams;
  private final Path work;

  private final long soakFrames;
  private final int rounds;
  private final ModelOnlyBench modelOnly;
  private final SequentialBench sequential;
  private final PipelineBench pipeline;
  private final ModelComparison comparison;

  /** {@code compared}: other models to time alone beside this one, by the name the report gives each (may be empty). */
  public Benchmark(PipelineConfig config, Path video, Models models, int streams, Path work, long soakFrames, int rounds,
                   Map<String, Models> compared) {
    this.soakFrames = soakFrames;
    this.rounds = rounds;
    this.config = config;
    this.video = video;
    this.models = models;
    this.streams = streams;
    this.work = work;
    this.modelOnly = new ModelOnlyBench(config, video, models, work, new ArrayList<>());
    this.sequential = new SequentialBench(config, video, models, work);
    this.pipeline = new PipelineBench(config, video, models, work);
    this.comparison = new ModelComparison(config, video, work, compared);
  }

  public Map<String, Object> run(java.io.PrintStream log) throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("source", video.toString());
    r.put("rss_start_mb", BenchMath.mb(Memory.residentBytes()));
    Files.createDirectories(work);

    // Rounds interleave the measurements so that a slow spell of a shared machine hits all of them
    // alike; each figure is the median of its rounds, the ratios are of the medians.
    Map<String, List<Double>> fps = new LinkedHashMap<>();
    for (String k : List.of("model_only", "sequential", "pipeline", "multi_stream")) fps.put(k, new ArrayList<>());
    for (int round = 1; round <= rounds; round++) {
      String of = rounds > 1 ? " (round " + round + " of " + rounds + ")" : "";
      // Compared models go after the main one in odd rounds and before it in even ones, so that
      // neither side always runs first (warm caches, a machine that slows as it heats).
      if (round % 2 == 0) comparison.runRound(log, of);
      log.println("bench: model only" + of + " ...");
      fps.get("model_only").add(modelOnly.run(r));
      if (round % 2 == 1) comparison.runRound(log, of);
      log.println("bench: sequential loop" + of + " ...");
      fps.get("sequential").add(sequential.run());
      log.println("bench: pipeline" + of + " ...");
      fps.get("pipeline").add(pipeline.run(1, r));
      log.printf("bench: pipeline with %d streams%s ...%n", streams, of);
      fps.get("multi_stream").add(pipeline.run(streams, null));
    }
    Map<String, Object> perRound = new LinkedHashMap<>();
    fps.forEach((k, values) -> {
      r.put(k + "_fps", BenchMath.round(BenchMath.median(values)));
      perRound.put(k, values.stream().map(BenchMath::round).toList());
    });
    r.put("multi_streams", streams);
    double pipeline = BenchMath.median(fps.get("pipeline"));
    r.put("pipeline_vs_model_only", BenchMath.round(pipeline / BenchMath.median(fps.get("model_only")), 3));
    r.put("pipeline_vs_sequential", BenchMath.round(pipeline / BenchMath.median(fps.get("sequential")), 3));
    cpuCeiling(r, BenchMath.median(fps.get("model_only")));
    comparison.report(r, BenchMath.median(fps.get("model_only")));
    log.println("bench: dense peak (fp32 matrix product) ...");
    ComputeEfficiency.report(r, BenchMath.median(fps.get("model_only")), threads());
    r.put("rounds", rounds);
    r.put("rounds_fps", perRound);
    r.put("rss_end_mb", BenchMath.mb(Memory.residentBytes()));
    if (soakFrames > 0) {
      log.printf("bench: soak, %d frames ...%n", soakFrames);
      new SoakBench(config, video, models, work).run(r, soakFrames);
    }
    r.put("batch_size", config.model().batchSize());
    r.put("batches_in_flight", config.model().batchesInFlight());
    r.put("codec", config.recording().codec());
    r.put("threads", threads());
    r.put("cpus", Runtime.getRuntime().availableProcessors());
    r.put("math", ConvolutionMath.ofThisProcess());
    return r;
  }

  private int threads() {
    return config.model().threads() > 0 ? config.model().threads() : Runtime.getRuntime().availableProcessors();
  }

  /**
   * What the CPU allows at best: every frame costs the model's CPU (as measured alone) plus what
   * decoding, rendering and encoding cost on their threads; with all cores busy the pipeline can
   * reach at most cores / that, however well stages overlap.
   */
  private void cpuCeiling(Map<String, Object> r, double modelOnlyFps) {
    if (!r.containsKey("cpu_ms_per_frame_by_thread") || modelOnly.cpuMsPerFrame().isEmpty()) return;
    double modelMs = BenchMath.median(modelOnly.cpuMsPerFrame());
    double nonModelMs = 0;
    @SuppressWarnings("unchecked")
    Map<String, Object> byThread = (Map<String, Object>) r.get("cpu_ms_per_frame_by_thread");
    for (Map.Entry<String, Object> e : byThread.entrySet()) {
      if (!e.getKey().startsWith("segvid-inference")) nonModelMs += (Double) e.getValue();
    }
    int cpus = Runtime.getRuntime().availableProcessors();
    r.put("model_only_cpu_ms_per_frame", BenchMath.round(modelMs));
    r.put("model_only_cores_used", BenchMath.round(modelMs * modelOnlyFps / 1000));
    r.put("non_model_cpu_ms_per_frame", BenchMath.round(nonModelMs));
    r.put("cpu_bound_fps", BenchMath.round(cpus * 1000 / (modelMs + nonModelMs)));
    r.put("cpu_bound_vs_model_only", BenchMath.round(cpus * 1000 / (modelMs + nonModelMs) / modelOnlyFps, 3));
  }

}
