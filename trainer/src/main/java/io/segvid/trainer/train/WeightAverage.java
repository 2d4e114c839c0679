package io.segvid.trainer.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An exponential moving average of the model's weights (and batch-norm statistics), updated after
 * every optimizer step: the averaged model sits in a flatter part of the loss surface than the last
 * step's weights, which often transfers better (on CamVid's held-out drive it did not: docs/model-experiments.md),
 * and its validation curve is smooth. Early on the average
 * follows the weights closely (decay {@code min(d, (1 + n) / (10 + n))} after n updates, as
 * TensorFlow's ExponentialMovingAverage with num_updates), so it is not held back by the random
 * initialisation.
 */
public final class WeightAverage {

  private final double decay;
  private final Map<String, float[]> average;

  /** Starts the average at {@code weights} (copied). */
  public WeightAverage(double decay, Map<String, float[]> weights) {
    if (!(decay > 0 && decay < 1)) throw new IllegalArgumentException("an average's decay is in (0, 1), got " + decay);
    this.decay = decay;
    this.average = new LinkedHashMap<>();
    weights.forEach((name, w) -> average.put(name, w.clone()));
  }

  /** Folds in the weights after update number {@code updates} (counting from 1). */
  public void update(Map<String, float[]> weights, long updates) {
    float d = (float) Math.min(decay, (1.0 + updates) / (10.0 + updates));
    for (Map.Entry<String, float[]> e : average.entrySet()) {
      float[] w = weights.get(e.getKey());
      if (w == null) throw new IllegalStateException("no weights named " + e.getKey() + " to average");
      float[] a = e.getValue();
      for (int i = 0; i < a.length; i++) a[i] = d * a[i] + (1 - d) * w[i];
    }
  }

  /** The averaged weights (live: copy before changing them). */
  public Map<String, float[]> weights() {
    return average;
  }
}
