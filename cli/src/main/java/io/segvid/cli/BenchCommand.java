package io.segvid.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.segvid.config.Home;
import io.segvid.config.PipelineConfig;
import io.segvid.inference.ModelOverrides;
import io.segvid.inference.SavedModelSegmenter;
import io.segvid.cli.bench.Benchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code segvid bench}: model-only vs sequential vs pipeline vs multi-stream, side by side in one run. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Measure model-only, sequential-loop, pipeline and multi-stream fps, latency, allocation and memory.")
public final class BenchCommand implements Callable<Integer> {

  @Option(names = "--source", defaultValue = DemoCommand.SAMPLE, description = "Video file (default: ${DEFAULT-VALUE}).")
  String source;
  @Option(names = "--json", description = "Also write the figures to this JSON file.")
  Path json;
  @Option(names = "--streams", defaultValue = "2", description = "Copies of the source for multi_stream_fps (default: ${DEFAULT-VALUE}).")
  int streams;
  @Option(names = "--soak-frames", defaultValue = "0",
      description = "Also run this many frames (the video looped) and sample resident memory, e.g. 10000.")
  long soakFrames;
  @Option(names = "--rounds", defaultValue = "3",
      description = "Interleaved rounds of every measurement; figures are medians (default: ${DEFAULT-VALUE}).")
  int rounds;
  @Option(names = "--compare", paramLabel = "MODEL",
      description = "Also time this model alone, round by round beside --model (repeatable; same options): "
          + "its fps and the ratio to --model's.")
  List<Path> compare = List.of();
  @Option(names = "--work", defaultValue = "out/bench", description = "Folder for the recordings it makes (default: ${DEFAULT-VALUE}).")
  Path work;
  @Mixin
  RunOptions options;

  @Override
  public Integer call() throws Exception {
    Path video = Home.resolve(source);
    if (!Files.isRegularFile(video)) throw new IllegalArgumentException("video file " + video + " does not exist");
    if (streams < 1) throw new IllegalArgumentException("--streams must be >= 1");
    if (rounds < 1) throw new IllegalArgumentException("--rounds must be >= 1");
    PipelineConfig config = options.resolve(List.of(video.toString()), List.of());
    PipelineLauncher.Model model = PipelineLauncher.model(config);
    Map<String, Benchmark.Models> compared = new LinkedHashMap<>();
    for (Path other : compare) {
      Path folder = Home.resolve(other);
      if (!Files.isDirectory(folder)) throw new IllegalArgumentException("--compare " + other + ": no such model folder");
      PipelineLauncher.Model m = new PipelineLauncher.Model(folder, model.overrides(), model.threads(), model.tta());
      compared.put(other.toString(), m::open);
    }
    Benchmark bench = new Benchmark(config, video, model::open, streams, work, soakFrames, rounds, compared);
    Map<String, Object> r = bench.run(System.err);
    print(r);
    if (json != null) {
      if (json.toAbsolutePath().getParent() != null) Files.createDirectories(json.toAbsolutePath().getParent());
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), r);
      System.out.println("figures written to " + json);
    }
    return 0;
  }

  @SuppressWarnings("unchecked")
  private static void print(Map<String, Object> r) {
    System.out.printf(Locale.ROOT, "video %s: %s frames of %s, model input %s, batch %s (%s in flight), %s TF threads on %s CPUs, %s, signature %s%n",
        r.get("source"), r.get("frames"), r.get("frame_size"), r.get("input_size"), r.get("batch_size"),
        r.get("batches_in_flight"), r.get("threads"), r.get("cpus"), r.get("math"), r.get("signature"));
    System.out.printf(Locale.ROOT, "%-26s %10s%n", "measure", "value");
    for (String k : List.of("model_only_fps", "sequential_fps", "pipeline_fps", "multi_stream_fps",
        "pipeline_vs_model_only", "pipeline_vs_sequential", "model_only_cpu_ms_per_frame", "model_only_cores_used",
        "non_model_cpu_ms_per_frame", "pipeline_cpu_ms_per_frame", "pipeline_cores_used", "cpu_bound_fps", "cpu_bound_vs_model_only",
        "model_gflop_per_frame", "model_gflops", "dense_peak_gflops", "model_vs_peak", "alloc_bytes_per_frame", "rss_start_mb", "rss_end_mb",
        "soak_frames", "soak_fps", "soak_rss_growth_mb")) {
      if (!r.containsKey(k)) continue;
      System.out.printf(Locale.ROOT, "%-26s %10s%n", k + (k.equals("multi_stream_fps") ? " (" + r.get("multi_streams") + ")" : ""), r.get(k));
    }
    System.out.printf(Locale.ROOT, "%-26s %s%n", "fps per round", r.get("rounds_fps"));
    if (r.containsKey("compared")) {
      System.out.printf(Locale.ROOT, "%-26s %10s %12s %10s  %s%n", "compared (model only)", "fps", "vs --model", "GFLOP", "model");
      for (Map<String, Object> c : (List<Map<String, Object>>) r.get("compared")) {
        System.out.printf(Locale.ROOT, "%-26s %10s %12s %10s  %s%n", "", c.get("model_only_fps"), c.get("vs_model_only"),
            c.getOrDefault("model_gflop_per_frame", "?"), c.get("model"));
      }
    }
    if (r.containsKey("cpu_ms_per_frame_by_thread")) {
      System.out.printf(Locale.ROOT, "%-26s %s%n", "cpu ms/frame by thread", r.get("cpu_ms_per_frame_by_thread"));
    }
    if (r.containsKey("soak_rss_mb")) {
      System.out.printf(Locale.ROOT, "%-26s %s%n", "soak rss samples (MB)", r.get("soak_rss_mb"));
      System.out.printf(Locale.ROOT, "%-26s %s%n", "soak heap committed (MB)", r.get("soak_heap_committed_mb"));
    }
    System.out.printf(Locale.ROOT, "%-26s %8s %8s %8s %8s%n", "latency ms (pipeline)", "p50", "p95", "p99", "mean");
    Map<String, Object> lat = (Map<String, Object>) r.get("latency_ms");
    lat.forEach((stage, v) -> {
      Map<String, Object> p = (Map<String, Object>) v;
      System.out.printf(Locale.ROOT, "%-26s %8s %8s %8s %8s%n", stage, p.get("p50"), p.get("p95"), p.get("p99"), p.get("mean"));
    });
  }
}
