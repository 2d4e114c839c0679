package io.segvid.capture;

import io.segvid.config.LiveConfig;

/**
 * Backoff between reconnect attempts: doubling from the initial delay up to a short cap (1 s by
 * default), so a camera that comes back is found within about a second, then retried at that pace
 * for as long as it is away; attempts 0 means forever. Each delay is spread by +-25 % at random, so
 * many streams that lost one server do not all reconnect in the same instant.
 */
public record Reconnect(long initialMillis, long maxMillis, int attempts, long stallNanos) {

  public static Reconnect of(LiveConfig c) {
    return new Reconnect(c.reconnectInitialMs(), c.reconnectMaxMs(), c.reconnectAttempts(),
        (long) (c.stallSeconds() * 1e9));
  }

  public static final Reconnect DEFAULT = of(LiveConfig.defaults());

  public long delayMillis(int attempt) {
    double d = Math.min(maxMillis, initialMillis * Math.pow(2, Math.min(attempt, 30)));
    return Math.max(1, Math.round(d * (0.75 + 0.5 * java.util.concurrent.ThreadLocalRandom.current().nextDouble())));
  }

  public boolean exhausted(int attempt) {
    return attempts > 0 && attempt >= attempts;
  }
}
