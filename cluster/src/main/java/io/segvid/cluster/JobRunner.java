package io.segvid.cluster;

import java.util.List;

/** Runs one job's pipeline: the source into the given (already temporary) sinks. */
@FunctionalInterface
public interface JobRunner {

  /**
   * What a run came to: frames written, or the one-line reason it failed; a done run's {@code error} is
   * a warning or null (a source that ended early, the file cut short).
   */
  record Result(boolean ok, long frames, String error) {
    public static Result done(long frames) {
      return done(frames, null);
    }

    public static Result done(long frames, String warning) {
      return new Result(true, frames, warning);
    }

    public static Result failed(String error) {
      return new Result(false, 0, error);
    }
  }

  /**
   * Runs until the source ends, or until {@code cancel} fires (then the result does not matter: the
   * job is handed back). Bad input is a failed result, not an exception.
   */
  Result run(String source, List<String> sinks, Cancellation cancel);
}
