package io.segvid.cluster;

import java.util.List;

/** Runs one job's pipeline: the source into the given (already temporary) sinks. */
@FunctionalInterface
public interface JobRunner {

  /** What a run came to: frames written, or the one-line reason it failed. */
  record Result(boolean ok, long frames, String error) {
    public static Result done(long frames) {
      return new Result(true, frames, null);
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
