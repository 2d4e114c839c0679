package io.segvid.trainer.train;

/** Where a run stands after a completed epoch. */
public record TrainingState(int epoch, long step, double bestMiou, int bestEpoch, double seconds) {
  public static final TrainingState START = new TrainingState(0, 0, -1, 0, 0);
}
