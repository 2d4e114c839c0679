package io.segvid.pipeline.stage;

import io.segvid.pipeline.metrics.PipelineMetrics;
import com.lmax.disruptor.EventHandler;
import io.segvid.pipeline.ring.FrameSlot;
import io.segvid.render.FrameRenderer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Renders each inferred video slot with its stream's renderer (overlay, legend, HUD). */
public final class RenderStage implements EventHandler<FrameSlot> {

  private final List<FrameRenderer> renderers;
  private final List<PipelineMetrics> metrics;
  private final List<Runnable> onFrame;

  /** {@code onFrame} runs after each rendered frame (progress bars); may be empty. */
  public RenderStage(List<FrameRenderer> renderers, List<PipelineMetrics> metrics, List<Runnable> onFrame) {
    this.renderers = renderers;
    this.metrics = metrics;
    this.onFrame = onFrame;
  }

  @Override
  public void onEvent(FrameSlot slot, long sequence, boolean endOfBatch) {
    if (slot.kind != FrameSlot.Kind.VIDEO || slot.skipped) return;
    long started = System.nanoTime();
    renderers.get(slot.stream).render(slot.frame, slot.mask, slot.inputHeight, slot.inputWidth, slot.rendered,
        started, started - slot.captureNanos);
    long done = System.nanoTime();
    PipelineMetrics m = metrics.get(slot.stream);
    m.render.record(done - started, TimeUnit.NANOSECONDS);
    m.endToEnd.record(done - slot.captureNanos, TimeUnit.NANOSECONDS);
    m.framesOut.increment();
    for (int i = 0; i < onFrame.size(); i++) onFrame.get(i).run();
  }
}
