package io.segvid.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TimeLeftTest {
  @Test
  void oneStretchedEpochDoesNotInflateTheEstimate() {
    TimeLeft timeLeft = new TimeLeft();
    timeLeft.trained(40);
    timeLeft.trained(700); // suspended for ten minutes
    timeLeft.trained(42);
    timeLeft.trained(41);
    assertEquals(100 * 41.5, timeLeft.seconds(100, 0), 1e-9);
  }

  @Test
  void followsAMachineThatGotBusier() {
    TimeLeft timeLeft = new TimeLeft();
    for (int i = 0; i < 20; i++) timeLeft.trained(24);
    for (int i = 0; i < TimeLeft.WINDOW; i++) timeLeft.trained(45);
    assertEquals(10 * 45, timeLeft.seconds(10, 0), 1e-9);
  }

  @Test
  void validationsCountOnceTimed() {
    TimeLeft timeLeft = new TimeLeft();
    assertTrue(Double.isNaN(timeLeft.seconds(5, 1)), "nothing timed yet");
    timeLeft.trained(30);
    assertEquals(150, timeLeft.seconds(5, 1), 1e-9);
    timeLeft.validated(60);
    assertEquals(150 + 2 * 60, timeLeft.seconds(5, 2), 1e-9);
  }

  @Test
  void countsTheValidationsAhead() {
    assertEquals(15, TimeLeft.validationsAfter(150, 300, 10));
    assertEquals(15, TimeLeft.validationsAfter(151, 300, 10));
    assertEquals(1, TimeLeft.validationsAfter(152, 155, 10), "the last epoch always validates");
    assertEquals(2, TimeLeft.validationsAfter(149, 155, 10));
    assertEquals(1, TimeLeft.validationsAfter(0, 5, 10));
    assertEquals(0, TimeLeft.validationsAfter(10, 10, 1));
    assertEquals(3, TimeLeft.validationsAfter(7, 10, 1));
  }
}
