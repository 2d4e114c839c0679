package io.segvid.capture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The default backoff finds a returning camera fast and spreads retries of many streams apart. */
class ReconnectTest {

  @Test
  void defaultDelaysDoubleToAOneSecondCapWithJitter() {
    Reconnect r = Reconnect.DEFAULT;
    long[] nominal = {250, 500, 1000, 1000, 1000};
    for (int attempt = 0; attempt < 200; attempt++) {
      long want = nominal[Math.min(attempt, nominal.length - 1)];
      long d = r.delayMillis(attempt);
      assertTrue(d >= want * 0.75 - 1 && d <= want * 1.25 + 1, "attempt " + attempt + ": " + d + " ms");
    }
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 50; i++) seen.add(r.delayMillis(10));
    assertTrue(seen.size() > 20, "retries of many streams must not line up: " + seen);
    assertTrue(!r.exhausted(1_000_000), "retries forever by default");
  }
}
