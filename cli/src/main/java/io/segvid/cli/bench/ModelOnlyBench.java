package io.segvid.cli.bench;

import io.segvid.config.PipelineConfig;
import io.segvid.inference.InputSize;
import io.segvid.inference.Segmenter;
import io.segvid.inference.FrameTranslator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;

/**
 * The model alone on frames decoded and preprocessed beforehand, batched as the pipeline batches.
 * {@code cpuMsPerFrame}: process CPU milliseconds per frame of each round, appended by {@link #run}.
 */
record ModelOnlyBench(PipelineConfig config, Path video, Benchmark.Models models, Path work, List<Double> cpuMsPerFrame) {

  /** Decodes the whole video, preprocesses it, then times only the model over it in batches. */
  double run(Map<String, Object> r) throws Exception {
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
      r.put("signature", model.metadata().signature());  // serving_native_dilation where oneDNN takes it
      if (!r.containsKey(ComputeEfficiency.FLOPS_KEY)) r.put(ComputeEfficiency.FLOPS_KEY, model.flopsPerFrame(size.height(), size.width()));
      try (FrameTranslator translator = new FrameTranslator(size, g.getImageHeight(), g.getImageWidth())) {
        Frame f;
        while ((f = g.grabImage()) != null) {
          byte[] in = new byte[size.pixels() * 3];
          translator.toInput(conv.convert(f), in);
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
      cpuMsPerFrame.add((CpuTime.processNanos() - cpu0) / 1e6 / inputs.size());
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
}
