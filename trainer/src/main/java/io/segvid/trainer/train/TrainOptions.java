package io.segvid.trainer.train;

import io.segvid.trainer.data.Augmentation;
import io.segvid.trainer.model.ModelSpec;

/** Everything that determines a training run; stored with checkpoints so --resume continues the same run. */
public record TrainOptions(
    ModelSpec spec,
    int epochs,
    int batchSize,
    int cropHeight,
    int cropWidth,
    float learningRate,
    OptimizerKind optimizer,
    LearningRate.Schedule schedule,
    float weightDecay,
    String classWeights,
    Augmentation augmentation,
    int valEvery,
    long seed,
    int warmupEpochs,
    float bnMomentum,
    LossKind loss,
    double emaDecay,
    int maxSide,
    float styleMix,
    float logitAdjustment,
    float dropout,
    String selectOn,
    float auxLoss) {

  /** {@code --select-on} values: the selecting set as recorded, or the mean over it and the robustness conditions. */
  public static final String SELECT_CLEAN = "clean";
  public static final String SELECT_ROBUSTNESS = "robustness";

  /** Whether the exported model is the moving average of the weights ({@code --ema}); runs saved before it: no. */
  public boolean averaged() {
    return emaDecay > 0;
  }

  /** Longer side images are shrunk to on load; 0 (also runs saved before the option) keeps them. */
  public int maxSide() {
    return Math.max(0, maxSide);
  }

  /** Probability of blending early feature statistics across the batch; runs saved before the option: 0. */
  public float styleMix() {
    return Math.max(0f, styleMix);
  }

  /** Share of the decoder's features dropped while training; runs saved before the option: 0. */
  public float dropout() {
    return Math.max(0f, dropout);
  }

  /** Weight of the backbone classifier's loss ({@code --aux-loss}); runs saved before the option: 0 (none). */
  public float auxLoss() {
    return Math.max(0f, auxLoss);
  }

  /** Strength of the logit adjustment at prediction ({@link io.segvid.trainer.model.LogitAdjustment}); runs saved before it: 0. */
  public float logitAdjustment() {
    return Math.max(0f, logitAdjustment);
  }

  /** Whether the best model is the one with the best mean over the conditions; runs saved before the option: no. */
  public boolean selectsOnRobustness() {
    return SELECT_ROBUSTNESS.equals(selectOn);
  }

  /** Runs saved before the loss was an option used cross-entropy. */
  public LossKind loss() {
    return loss == null ? LossKind.CROSS_ENTROPY : loss;
  }
}
