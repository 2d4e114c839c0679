package io.segvid.pipeline.stage;

import io.segvid.config.LiveConfig;

/** Exponential backoff between reconnect attempts, bounded; attempts 0 means forever. */
public record Reconnect(long initialMillis, long maxMillis, int attempts, long stallNanos) {

  public static Reconnect of(LiveConfig c) {
    return new Reconnect(c.reconnectInitialMs(), c.reconnectMaxMs(), c.reconnectAttempts(),
        (long) (c.stallSeconds() * 1e9));
  }

  public static final Reconnect DEFAULT = of(LiveConfig.defaults());

  public long delayMillis(int attempt) {
    double d = initialMillis * Math.pow(2, Math.min(attempt, 30));
    return (long) Math.min(maxMillis, d);
  }

  public boolean exhausted(int attempt) {
    return attempts > 0 && attempt >= attempts;
  }
}
