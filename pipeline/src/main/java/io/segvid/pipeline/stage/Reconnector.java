package io.segvid.pipeline.stage;

import io.segvid.capture.Reconnect;
import io.segvid.capture.SourceException;
import io.segvid.capture.SourceSpec;
import io.segvid.capture.VideoSource;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reopens a lost live source. Attempts start at the backoff's pace and overlap: a server that is up
 * but has no stream yet can take seconds to refuse, and a camera that returns meanwhile should not
 * wait for that refusal, so a new attempt starts when the delay is up even while earlier ones are
 * still in flight (at most {@value #MAX_IN_FLIGHT}). The first to open wins; the others close what they
 * open when they finish, on their own threads, so nothing is closed under a thread still using it.
 */
final class Reconnector {

  private static final Logger LOG = LoggerFactory.getLogger(Reconnector.class);
  static final int MAX_IN_FLIGHT = 3;

  /** An attempt's end: the opened source, or the reason it failed. */
  private record Outcome(int attempt, VideoSource source, String failure) { }

  private final SourceSpec spec;
  private final Reconnect policy;
  private final String name;

  Reconnector(SourceSpec spec, Reconnect policy, String name) {
    this.spec = spec;
    this.policy = policy;
    this.name = name;
  }

  /** What ended a {@link #reopen}: a source, or why there is none. */
  record Result(VideoSource source, String gaveUp) { }

  /** Reopens until an attempt succeeds, {@code cancelled} turns true (null source) or the attempts run out. */
  Result reopen(BooleanSupplier cancelled) throws InterruptedException {
    LinkedBlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    Object decision = new Object();
    boolean[] decided = {false};
    int started = 0;
    int running = 0;
    long nextStart = System.nanoTime();
    try {
      while (!cancelled.getAsBoolean()) {
        long now = System.nanoTime();
        if (running < MAX_IN_FLIGHT && now >= nextStart && !policy.exhausted(started)) {
          start(started, outcomes, decision, decided);
          nextStart = now + policy.delayMillis(started) * 1_000_000L;
          started++;
          running++;
        }
        if (running == 0 && policy.exhausted(started)) {
          return new Result(null, "gave up on " + name + " after " + started + " reconnect attempts");
        }
        long waitNanos = Math.max(1_000_000L, Math.min(50_000_000L, nextStart - System.nanoTime()));
        Outcome o = outcomes.poll(waitNanos, TimeUnit.NANOSECONDS);
        if (o == null) continue;
        running--;
        if (o.source() != null) {
          LOG.info("{}: reconnected (attempt {})", name, o.attempt() + 1);
          return new Result(o.source(), null);
        }
        LOG.warn("{}: reconnect attempt {} failed: {}", name, o.attempt() + 1, o.failure());
      }
      return new Result(null, null);
    } finally {
      synchronized (decision) {
        decided[0] = true;
      }
      // Attempts that finished in between and were not taken: close them here, nothing else holds them.
      for (Outcome o; (o = outcomes.poll()) != null; ) if (o.source() != null) o.source().close();
    }
  }

  private void start(int attempt, LinkedBlockingQueue<Outcome> outcomes, Object decision, boolean[] decided) {
    Thread t = new Thread(() -> {
      VideoSource fresh = spec.create();
      Outcome o;
      try {
        fresh.open();
        o = new Outcome(attempt, fresh, null);
      } catch (SourceException | RuntimeException e) {
        fresh.close();
        o = new Outcome(attempt, null, e.getMessage());
      }
      synchronized (decision) {
        if (!decided[0]) {
          outcomes.add(o);
          return;
        }
      }
      if (o.source() != null) o.source().close();  // another attempt won, or reconnecting was called off
    }, "segvid-reconnect-" + name.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + (attempt + 1));
    t.setDaemon(true);
    t.start();
  }
}
