package io.segvid.trainer.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Post-hoc logit adjustment (Menon et al., "Long-tail learning via logit adjustment", ICLR 2021). A
 * loss that weights class c by w_c teaches the network scores of roughly log p(c | x) + log w_c, so
 * rare, heavily weighted classes (pole, sign, pedestrian) are called far more often than they occur
 * and common ones (building, road) too rarely. Adding -tau * log w_c to the scores at prediction takes
 * that back: tau 0 keeps the scores as trained, 1 removes the weighting's prior entirely; mIoU, which
 * also rewards finding rare classes, peaks in between.
 */
public final class LogitAdjustment {

  private LogitAdjustment() { }

  /**
   * The offsets for {@code classWeights} at strength {@code tau}; null when they would change nothing
   * (tau 0, or all weights equal). A class of weight 0 (absent from the training data) gets no offset.
   */
  public static List<Float> offsets(float[] classWeights, float tau) {
    requireStrength(tau);
    if (tau == 0 || allEqual(classWeights)) return null;
    List<Float> out = new ArrayList<>(classWeights.length);
    for (float w : classWeights) out.add(w > 0 ? (float) (-tau * Math.log(w)) + 0f : 0f);  // + 0f: no -0.0
    return out;
  }

  /** Refuses a strength outside 0..2 (beyond 1 over-corrects; far beyond it the rare classes vanish). */
  public static float requireStrength(float tau) {
    if (!(tau >= 0 && tau <= 2)) {
      throw new IllegalArgumentException("--logit-adjustment must be between 0 (off) and 2, got " + tau);
    }
    return tau;
  }

  private static boolean allEqual(float[] w) {
    for (float v : w) if (v != w[0]) return false;
    return true;
  }
}
