package io.segvid.pipeline.bench;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segvid.capture.SourceSpec;
import io.segvid.capture.Sources;
import io.segvid.config.PipelineConfig;
import io.segvid.inference.InputSize;
import io.segvid.inference.Segmenter;
import io.segvid.pipeline.Pipeline;
import io.segvid.pipeline.sink.RecordingSink;
import io.segvid.pipeline.stage.PipelineMetrics;
import io.segvid.pipeline.stage.Preprocessor;
import io.segvid.pipeline.stage.StopSignal;
import io.segvid.render.FrameRenderer;
import io.segvid.render.Palette;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

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
  /** Process CPU milliseconds per frame of each model-only round. */
  private final List<Double> modelCpuMsPerFrame = new ArrayList<>();

  public Benchmark(PipelineConfig config, Path video, Models models, int streams, Path work, long soakFrames, int rounds) {
    this.soakFrames = soakFrames;
    this.rounds = rounds;
    this.config = config;
    this.video = video;
    this.models = models;
    this.streams = streams;
    this.work = work;
  }

  public Map<String, Object> run(java.io.PrintStream log) throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("source", video.toString());
    r.put("rss_start_mb", mb(Memory.residentBytes()));
    Files.createDirectories(work);

    // Rounds interleave the measurements so that a slow spell of a shared machine hits all of them
    // alike; each figure is the median of its rounds, the ratios are of the medians.
    Map<String, List<Double>> fps = new LinkedHashMap<>();
    for (String k : List.of("model_only", "sequential", "pipeline", "multi_stream")) fps.put(k, new ArrayList<>());
    for (int round = 1; round <= rounds; round++) {
      String of = rounds > 1 ? " (round " + round + " of " + rounds + ")" : "";
      log.println("bench: model only" + of + " ...");
      fps.get("model_only").add(modelOnly(r));
      log.println("bench: sequential loop" + of + " ...");
      fps.get("sequential").add(sequential());
      log.println("bench: pipeline" + of + " ...");
      fps.get("pipeline").add(pipeline(1, r));
      log.printf("bench: pipeline with %d streams%s ...%n", streams, of);
      fps.get("multi_stream").add(pipeline(streams, null));
    }
    Map<String, Object> perRound = new LinkedHashMap<>();
    fps.forEach((k, values) -> {
      r.put(k + "_fps", round(median(values)));
      perRound.put(k, values.stream().map(Benchmark::round).toList());
    });
    r.put("multi_streams", streams);
    double pipeline = median(fps.get("pipeline"));
    r.put("pipeline_vs_model_only", round(pipeline / median(fps.get("model_only")), 3));
    r.put("pipeline_vs_sequential", round(pipeline / median(fps.get("sequential")), 3));
    cpuCeiling(r, median(fps.get("model_only")));
    log.println("bench: dense peak (fp32 matrix product) ...");
    ComputeEfficiency.report(r, median(fps.get("model_only")), threads());
    r.put("rounds", rounds);
    r.put("rounds_fps", perRound);
    r.put("rss_end_mb", mb(Memory.residentBytes()));
    if (soakFrames > 0) {
      log.printf("bench: soak, %d frames ...%n", soakFrames);
      soak(r);
    }
    r.put("batch_size", config.model().batchSize());
    r.put("batches_in_flight", config.model().batchesInFlight());
    r.put("codec", config.recording().codec());
    r.put("threads", threads());
    r.put("cpus", Runtime.getRuntime().availableProcessors());
    return r;
  }

  private int threads() {
    return config.model().threads() > 0 ? config.model().threads() : Runtime.getRuntime().availableProcessors();
  }

  /** Decodes the whole video, preprocesses it, then times only the model over it in batches. */
  private double modelOnly(Map<String, Object> r) throws Exception {
    List<byte[]> inputs = new ArrayList<>();
    InputSize size;
    try (Segmenter model = models.open();
         FFmpegFrameGrabber g = new FFmpegFrameGrabber(video.toString());
         OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat()) {
      g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
      g.start();
      size = InputSize.forFrame(g.getImageHeight(), g.getImageWidth(), model.metadata());
      r.put("frame_size", g.getImageHeight() + "x" + g.getImageWidth());
      r.put("input_size", size.height() + "x" + size.width());
      if (!r.containsKey(ComputeEfficiency.FLOPS_KEY)) r.put(ComputeEfficiency.FLOPS_KEY, model.flopsPerFrame(size.height(), size.width()));
      try (Preprocessor pre = new Preprocessor(size)) {
        Frame f;
        while ((f = g.grabImage()) != null) {
          byte[] in = new byte[size.pixels() * 3];
          pre.apply(conv.convert(f), in);
          inputs.add(in);
        }
      }
      r.put("frames", inputs.size());
      int batch = config.model().batchSize();
      byte[][] frames = new byte[batch][];
      byte[][] masks = new byte[batch][size.pixels()];
      for (int i = 0; i < batch; i++) frames[i] = inputs.get(i % inputs.size());
      model.segment(frames, batch, size.height(), size.width(), masks);  // warm-up
      model.segment(frames, 1, size.height(), size.width(), masks);
      // As many batches in flight as the pipeline runs (the same model handles), so that the
      // comparison is of the pipeline around the model, not of two ways to drive the model.
      Segmenter second = config.model().batchesInFlight() > 1 ? model.concurrentCaller() : null;
      if (second != null) second.segment(frames, batch, size.height(), size.width(), masks);  // its warm-up
      long cpu0 = CpuTime.processNanos();
      long t0 = System.nanoTime();
      Thread helper = null;
      java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
      if (second != null) {
        InputSize s2 = size;
        helper = new Thread(() -> segmentEveryOtherBatch(second, inputs, batch, 1, s2), "bench-model-2");
        helper.setUncaughtExceptionHandler((t, e) -> failed.set(e));
        helper.start();
      }
      segmentEveryOtherBatch(model, inputs, batch, second == null ? -1 : 0, size);
      if (helper != null) {
        helper.join();
        second.close();
        if (failed.get() != null) throw new IllegalStateException("model-only run failed", failed.get());
      }
      long wall = System.nanoTime() - t0;
      modelCpuMsPerFrame.add((CpuTime.processNanos() - cpu0) / 1e6 / inputs.size());
      return inputs.size() / (wall / 1e9);
    }
  }

  /**
   * Runs the model over the frames in batches: all of them ({@code parity} -1), or every other
   * batch starting at the {@code parity}-th (two threads sharing the work).
   */
  private static void segmentEveryOtherBatch(Segmenter model, List<byte[]> inputs, int batch, int parity, InputSize size) {
    byte[][] frames = new byte[batch][];
    byte[][] masks = new byte[batch][size.pixels()];
    int b = 0;
    for (int i = 0; i < inputs.size(); i += batch, b++) {
      if (parity >= 0 && b % 2 != parity) continue;
      int n = Math.min(batch, inputs.size() - i);
      for (int k = 0; k < n; k++) frames[k] = inputs.get(i + k);
      model.segment(frames, n, size.height(), size.width(), masks);
    }
  }

  /** What a user would write first: one thread, one frame at a time, no ring. */
  private double sequential() throws Exception {
    Path out = work.resolve("sequential.mkv");
    try (Segmenter model = models.open();
         FFmpegFrameGrabber g = new FFmpegFrameGrabber(video.toString());
         OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat();
         OpenCVFrameConverter.ToMat outConv = new OpenCVFrameConverter.ToMat();
         Palette palette = new Palette(model.metadata().classes());
         FrameRenderer renderer = new FrameRenderer(palette, model.metadata(), config.render());
         Mat rendered = new Mat()) {
      g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
      g.start();
      InputSize size = InputSize.forFrame(g.getImageHeight(), g.getImageWidth(), model.metadata());
      byte[][] in = {new byte[size.pixels() * 3]};
      byte[][] mask = {new byte[size.pixels()]};
      model.segment(in, 1, size.height(), size.width(), mask);  // warm-up, as for the others
      try (Preprocessor pre = new Preprocessor(size);
           FFmpegFrameRecorder rec = new FFmpegFrameRecorder(out.toString(), g.getImageWidth(), g.getImageHeight(), 0)) {
        rec.setFormat("matroska");
        rec.setFrameRate(g.getFrameRate());
        rec.setVideoCodec(RecordingSink.codecId(config.recording().codec()));
        rec.setPixelFormat(RecordingSink.pixelFormat(config.recording().codec()));
        rec.setVideoBitrate((int) (g.getImageWidth() * (long) g.getImageHeight() * g.getFrameRate() * 0.12));
        rec.start();
        long t0 = System.nanoTime();
        int n = 0;
        Frame f;
        while ((f = g.grabImage()) != null) {
          Mat frame = conv.convert(f);
          pre.apply(frame, in[0]);
          model.segment(in, 1, size.height(), size.width(), mask);
          long now = System.nanoTime();
          renderer.render(frame, mask[0], size.height(), size.width(), rendered, now, 0);
          rec.record(outConv.convert(rendered), avutil.AV_PIX_FMT_BGR24);
          n++;
        }
        rec.stop();
        return n / ((System.nanoTime() - t0) / 1e9);
      }
    }
  }

  /** The real pipeline, file → segmented file, {@code copies} streams of the same video. */
  private double pipeline(int copies, Map<String, Object> r) throws Exception {
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
      public void started(List<io.segvid.pipeline.stage.StreamContext> s) {
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
   * Resident memory over a long run: the video looped without pacing through the full pipeline into
   * a recording (decoder, model, renderer and encoder all in play), lossless, RSS sampled every tenth
   * of the way. A leak per frame shows as a slope.
   */
  private void soak(Map<String, Object> r) throws Exception {
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
          samples.add(mb(Memory.residentBytes()));
          heap.add(mb(Memory.heapCommittedBytes()));
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
    r.put("soak_fps", round(rendered.get() / ((System.nanoTime() - t0) / 1e9)));
    r.put("soak_rss_mb", samples);
    // RSS includes the Java heap, whose pages G1 touches over time even at a fixed committed size:
    // read RSS growth beside this (docs/performance.md: pre-touch the heap to see native memory alone).
    r.put("soak_heap_committed_mb", heap);
    if (samples.size() >= 3) {
      // Growth from the second sample (after warm-up and first-use allocations) to the last.
      r.put("soak_rss_growth_mb", round(samples.get(samples.size() - 1) - samples.get(1), 1));
    }
  }

  /**
   * Where the pipeline's CPU goes per frame, in steady state: each frame-path thread (its native
   * work included), and the whole process (TensorFlow's own thread pools, GC, ...).
   */
  private static void cpuPerFrame(Map<String, Object> r, Map<String, Long> atWarm, long processAtWarm, long frames,
                                  long wallNanos) {
    Map<String, Object> byThread = new LinkedHashMap<>();
    CpuTime.byThread("segvid-").forEach((name, ns) ->
        byThread.put(name, round((ns - atWarm.getOrDefault(name, 0L)) / 1e6 / frames)));
    r.put("cpu_ms_per_frame_by_thread", byThread);
    long processNanos = CpuTime.processNanos() - processAtWarm;
    r.put("pipeline_cpu_ms_per_frame", round(processNanos / 1e6 / frames));
    // Below the machine's core count, the pipeline leaves CPU idle: stages wait on each other.
    r.put("pipeline_cores_used", round((double) processNanos / wallNanos));
  }

  /**
   * What the CPU allows at best: every frame costs the model's CPU (as measured alone) plus what
   * decoding, rendering and encoding cost on their threads; with all cores busy the pipeline can
   * reach at most cores / that, however well stages overlap.
   */
  private void cpuCeiling(Map<String, Object> r, double modelOnlyFps) {
    if (!r.containsKey("cpu_ms_per_frame_by_thread") || modelCpuMsPerFrame.isEmpty()) return;
    double modelMs = median(modelCpuMsPerFrame);
    double nonModelMs = 0;
    @SuppressWarnings("unchecked")
    Map<String, Object> byThread = (Map<String, Object>) r.get("cpu_ms_per_frame_by_thread");
    for (Map.Entry<String, Object> e : byThread.entrySet()) {
      if (!e.getKey().startsWith("segvid-inference")) nonModelMs += (Double) e.getValue();
    }
    int cpus = Runtime.getRuntime().availableProcessors();
    r.put("model_only_cpu_ms_per_frame", round(modelMs));
    r.put("model_only_cores_used", round(modelMs * modelOnlyFps / 1000));
    r.put("non_model_cpu_ms_per_frame", round(nonModelMs));
    r.put("cpu_bound_fps", round(cpus * 1000 / (modelMs + nonModelMs)));
    r.put("cpu_bound_vs_model_only", round(cpus * 1000 / (modelMs + nonModelMs) / modelOnlyFps, 3));
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    java.util.Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static double round(double v) {
    return round(v, 2);
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  private static double mb(long bytes) {
    return round(bytes / 1048576.0, 1);
  }
}
