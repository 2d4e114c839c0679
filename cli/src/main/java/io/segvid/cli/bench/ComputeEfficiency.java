package io.segvid.cli.bench;

import io.segvid.inference.DensePeak;
import java.util.Map;

/**
 * How much of the machine the model uses: its FLOP per frame (counted from the graph) times the
 * model-only frame rate, over the dense fp32 peak measured in the same run through the same runtime.
 */
final class ComputeEfficiency {

  /** Where the model-only measurement leaves the model's FLOP per frame. */
  static final String FLOPS_KEY = "model_flop_per_frame";
  /** A 2048x2048 product: 17 GFLOP, large enough for GEMM to reach its steady rate. */
  private static final int MATRIX = 2048;

  private ComputeEfficiency() { }

  static void report(Map<String, Object> r, double modelOnlyFps, int threads) {
    long flops = ((Number) r.remove(FLOPS_KEY)).longValue();
    double peak = DensePeak.gflopsPerSecond(threads, MATRIX, 5);
    r.put("dense_peak_gflops", Math.round(peak * 10) / 10.0);
    if (flops <= 0) return;  // a model whose layers the graph does not show
    double achieved = flops * modelOnlyFps / 1e9;
    r.put("model_gflop_per_frame", Math.round(flops / 1e7) / 100.0);
    r.put("model_gflops", Math.round(achieved * 10) / 10.0);
    r.put("model_vs_peak", Math.round(achieved / peak * 1000) / 1000.0);
  }
}
