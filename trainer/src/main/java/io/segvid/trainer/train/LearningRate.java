package io.segvid.trainer.train;

/** Linear warm-up, then poly (power 0.9) or cosine decay to zero over the whole run. */
public record LearningRate(Schedule schedule, float base, long warmupSteps, long totalSteps) {

  public enum Schedule { POLY, COSINE }

  public float at(long step) {
    if (step < warmupSteps) return base * (step + 1) / warmupSteps;
    double t = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
    double f = schedule == Schedule.POLY ? Math.pow(1 - t, 0.9) : 0.5 * (1 + Math.cos(Math.PI * t));
    return (float) (base * Math.max(f, 1e-3));
  }
}
