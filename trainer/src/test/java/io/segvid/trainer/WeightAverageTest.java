package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.segvid.trainer.train.WeightAverage;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The moving average's arithmetic: a short warm-up that follows the weights, then the decay. */
class WeightAverageTest {

  @Test
  void followsEarlyThenDecays() {
    float[] start = {0f, 10f};
    WeightAverage avg = new WeightAverage(0.9, Map.of("w", start));
    start[0] = 99f;  // the average copied its start
    // Update 1: decay min(0.9, 2/11).
    avg.update(Map.of("w", new float[] {11f, 0f}), 1);
    float d1 = 2f / 11f;
    float[] expected = {(1 - d1) * 11f, d1 * 10f};
    assertArrayEquals(expected, avg.weights().get("w"), 1e-5f);
    // Update 100: the decay itself (101/110 > 0.9).
    avg.update(Map.of("w", new float[] {1f, 1f}), 100);
    expected = new float[] {0.9f * expected[0] + 0.1f, 0.9f * expected[1] + 0.1f};
    assertArrayEquals(expected, avg.weights().get("w"), 1e-5f);
  }

  @Test
  void refusesWhatCannotBeAveraged() {
    assertThrows(IllegalArgumentException.class, () -> new WeightAverage(1.0, Map.of()));
    WeightAverage avg = new WeightAverage(0.99, Map.of("a", new float[1]));
    assertThrows(IllegalStateException.class, () -> avg.update(Map.of("b", new float[1]), 1));
  }
}
