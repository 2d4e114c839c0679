package io.segvid.cli.bench;

import io.segvid.config.PipelineConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Other models timed alone beside the benchmarked one ({@code bench --compare}): each round runs
 * every compared model's model-only measurement next to the main one's, so that a slow spell of a
 * shared machine hits them alike, and the report gives each model's median fps and its ratio to
 * the main model's.
 */
final class ModelComparison {

  private record Entry(String name, ModelOnlyBench bench, List<Double> fps, Map<String, Object> figures) { }

  private final List<Entry> entries = new ArrayList<>();

  /** {@code compared}: each model by the name the report gives it, in order. */
  ModelComparison(PipelineConfig config, Path video, Path work, Map<String, Benchmark.Models> compared) {
    compared.forEach((name, models) -> entries.add(new Entry(name,
        new ModelOnlyBench(config, video, models, work, new ArrayList<>()), new ArrayList<>(), new LinkedHashMap<>())));
  }

  void runRound(PrintStream log, String of) throws Exception {
    for (Entry e : entries) {
      log.println("bench: model only, " + e.name() + of + " ...");
      e.fps().add(e.bench().run(e.figures()));
    }
  }

  /** Adds {@code compared}: per model its median fps, ratio to {@code mainFps}, input size and GFLOP per frame. */
  void report(Map<String, Object> r, double mainFps) {
    if (entries.isEmpty()) return;
    List<Map<String, Object>> out = new ArrayList<>();
    for (Entry e : entries) {
      double fps = BenchMath.median(e.fps());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("model", e.name());
      m.put("model_only_fps", BenchMath.round(fps));
      m.put("vs_model_only", BenchMath.round(fps / mainFps, 3));
      m.put("input_size", e.figures().get("input_size"));
      Object flops = e.figures().get(ComputeEfficiency.FLOPS_KEY);
      if (flops instanceof Number n && n.longValue() > 0) m.put("model_gflop_per_frame", BenchMath.round(n.doubleValue() / 1e9, 2));
      m.put("rounds_fps", e.fps().stream().map(BenchMath::round).toList());
      out.add(m);
    }
    r.put("compared", out);
  }
}
