package io.segvid.cli;

import io.micrometer.core.instrument.MeterRegistry;
import io.segvid.capture.LiveOptions;
import io.segvid.capture.Sources;
import io.segvid.cluster.KafkaFrameSink;
import io.segvid.config.ModelConfig;
import io.segvid.config.PipelineConfig;
import io.segvid.inference.InputScaling;
import io.segvid.inference.ModelLoadException;
import io.segvid.inference.ModelOverrides;
import io.segvid.inference.OutputKind;
import io.segvid.inference.SavedModelSegmenter;
import io.segvid.inference.TestTimeAugmentation;
import io.segvid.pipeline.Pipeline;
import io.segvid.output.FrameSink;
import io.segvid.output.Sinks;
import io.segvid.pipeline.StopSignal;
import io.segvid.pipeline.StreamContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Builds a run from a resolved config (sources, per-stream sinks, model), wires Ctrl-C/SIGTERM to a
 * clean stop (the recording is finished, not cut), shows progress and prints the summary.
 */
final class PipelineLauncher {

  private PipelineLauncher() { }

  static Pipeline.Outcome launch(PipelineConfig config, MeterRegistry registry, java.io.PrintStream report) throws Exception {
    if (config.sources().isEmpty()) throw new IllegalArgumentException("no source given (--source FILE)");
    if (config.sinks().isEmpty()) throw new IllegalArgumentException("no sink given (--sink " + Sinks.USAGE + ")");
    StopSignal stop = new StopSignal();
    List<Pipeline.StreamSpec> specs = streams(config, stop);
    Model model = model(config);
    CountDownLatch done = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.request("interrupted");
      try {
        done.await(20, TimeUnit.SECONDS);  // let the sinks finish their files
      } catch (InterruptedException ignored) {
        // exiting anyway
      }
    }, "segvid-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    ProgressListener progress = new ProgressListener(config.progress());
    try {
      Pipeline.Outcome outcome = Pipeline.run(config, specs,
          model::open, registry, stop, progress);
      progress.finished();
      if (stop.failure() != null) throw asException(stop.failure());
      RunSummary.print(outcome, report);
      return outcome;
    } finally {
      progress.finished();
      done.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException ignored) {
        // already shutting down
      }
    }
  }

  /** The config's sources, each with its own sinks. */
  static List<Pipeline.StreamSpec> streams(PipelineConfig config, StopSignal stop) {
    return streams(config, stop, null);
  }

  /** As {@link #streams(PipelineConfig, StopSignal)}; {@code name} keys results on Kafka (a camera id), may be null. */
  static List<Pipeline.StreamSpec> streams(PipelineConfig config, StopSignal stop, String name) {
    List<Pipeline.StreamSpec> specs = new ArrayList<>();
    int n = config.sources().size();
    for (int i = 0; i < n; i++) {
      List<FrameSink> sinks = new ArrayList<>();
      for (String s : config.sinks()) {
        String spec = perStream(s, i, n);
        sinks.add(spec.startsWith(KafkaFrameSink.SCHEME) ? KafkaFrameSink.parse(spec, new java.util.Properties(), name)
            : Sinks.parse(spec, config.recording(), config.live(), () -> stop.request("window closed")));
      }
      specs.add(new Pipeline.StreamSpec(Sources.parse(config.sources().get(i),
          new LiveOptions(config.live().transport(), config.live().timeoutSeconds())), sinks));
    }
    return specs;
  }

  /** The model a config asks for: folder, overrides, threads, test-time augmentation. */
  record Model(Path path, ModelOverrides overrides, int threads, TestTimeAugmentation tta) {
    SavedModelSegmenter open() throws ModelLoadException {
      return SavedModelSegmenter.open(path, overrides, threads, tta);
    }
  }

  static Model model(PipelineConfig config) {
    ModelConfig m = config.model();
    ModelOverrides overrides = new ModelOverrides(m.signature(), m.inputKey(), m.outputKey(),
        m.inputScaling() == null ? null : InputScaling.valueOf(m.inputScaling().toUpperCase(Locale.ROOT)),
        m.outputKind() == null ? null : OutputKind.valueOf(m.outputKind().toUpperCase(Locale.ROOT)),
        m.numClasses(), m.inputSize() == null ? null : m.inputSize().height(),
        m.inputSize() == null ? null : m.inputSize().width());
    int threads = m.threads() > 0 ? m.threads() : Runtime.getRuntime().availableProcessors();
    return new Model(io.segvid.config.Home.resolve(m.path()), overrides, threads,
        TestTimeAugmentation.parse(m.tta(), "model.tta"));
  }

  /** With several sources, each stream needs its own outputs: {stream} in a sink path becomes its number. */
  static String perStream(String sink, int stream, int streams) {
    if (sink.contains("{stream}")) return sink.replace("{stream}", Integer.toString(stream));
    if (streams > 1 && !sink.equals("window")) {
      throw new IllegalArgumentException("with several sources, put {stream} in sink '" + sink + "' so each stream gets its own output");
    }
    return sink;
  }

  private static Exception asException(Throwable t) {
    return t instanceof Exception e ? e : new RuntimeException(t);
  }

  /** A progress bar over the frames of file sources (none for live sources). */
  private static final class ProgressListener implements Pipeline.Listener {
    private final boolean enabled;
    private volatile ProgressBar bar;

    ProgressListener(boolean enabled) {
      this.enabled = enabled;
    }

    @Override
    public void started(List<StreamContext> streams) {
      long total = 0;
      for (StreamContext s : streams) {
        if (s.info().live() || s.info().estimatedFrames() <= 0) return;
        total += s.info().estimatedFrames();
      }
      if (!enabled) return;
      bar = new ProgressBarBuilder().setTaskName("segmenting").setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
          .setUnit(" frames", 1).showSpeed().setUpdateIntervalMillis(System.console() != null ? 250 : 5000).build();
    }

    @Override
    public void frameRendered() {
      ProgressBar b = bar;
      if (b != null) b.step();
    }

    @Override
    public void finished() {
      ProgressBar b = bar;
      bar = null;
      if (b != null) {
        b.maxHint(b.getCurrent());
        b.close();
      }
    }
  }
}
