package io.segvid.pipeline;

import io.segvid.capture.VideoSource;
import io.segvid.inference.Segmenter;
import io.segvid.output.FrameSink;
import io.segvid.pipeline.stage.CaptureStage;
import io.segvid.pipeline.stage.InferenceStage;
import io.segvid.render.FrameRenderer;
import io.segvid.render.Palette;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one run opens, and its release at the end. Nothing is freed while a thread may still
 * use it: the stage threads are joined first; a stage or capture still running (stuck in native
 * code after a drain that timed out) keeps the slots, sinks and renderers it touches, and a model
 * call still running keeps the model. Leaking them is safe; freeing them under use is not.
 */
final class RunResources {

  private static final Logger LOG = LoggerFactory.getLogger(RunResources.class);

  final List<VideoSource> sources = new ArrayList<>();
  final List<FrameSink> sinks = new ArrayList<>();
  final List<FrameRenderer> renderers = new ArrayList<>();
  final List<CaptureStage> captures = new ArrayList<>();
  Segmenter segmenter;
  Palette palette;
  StageRing stages;
  InferenceStage inference;

  /** Stops, joins and frees, in that order; called once, in the run's finally. */
  void release() {
    try {
      for (CaptureStage c : captures) c.awaitEnd(3, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();  // the joins below then fail fast: leak rather than free under use
    }
    List<Thread> threads = stages == null ? List.of() : stages.threads();
    if (stages != null) stages.haltIfNotDrained();
    boolean stagesEnded = joinAll(threads, 10, TimeUnit.SECONDS) && captures.stream().allMatch(CaptureStage::ended);
    if (stagesEnded) {
      if (stages != null) stages.releaseSlots();
      for (FrameSink sink : sinks) sink.close();
      for (FrameRenderer r : renderers) r.close();
      if (palette != null) palette.close();
    } else {
      warnLeak("frame buffers, sinks and renderers", threads);
    }
    boolean helperIdle = inference == null || inference.shutDownHelper();  // its second model handle goes first
    if (segmenter != null) {
      if (stagesEnded && helperIdle) segmenter.close();
      else warnLeak("the model", threads);
    }
    // A started capture closes its own source (a stuck read must not have it closed underneath).
    for (int i = captures.size(); i < sources.size(); i++) sources.get(i).close();
  }

  /** Joins every thread within one shared deadline; true if all of them ended. */
  static boolean joinAll(List<Thread> threads, long timeout, TimeUnit unit) {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    for (Thread t : threads) {
      long left = deadline - System.nanoTime();
      try {
        if (left > 0) t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      if (t.isAlive()) return false;
    }
    return true;
  }

  private static void warnLeak(String what, List<Thread> stages) {
    List<String> alive = stages.stream().filter(Thread::isAlive).map(Thread::getName).toList();
    LOG.warn("still running after the stop: {}; {} left allocated rather than freed under it",
        alive.isEmpty() ? "a capture or the model's helper" : String.join(", ", alive), what);
  }
}
