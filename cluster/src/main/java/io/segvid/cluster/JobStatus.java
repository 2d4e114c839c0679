package io.segvid.cluster;

import java.util.List;

/**
 * The latest known state of a job, as kept in the compacted status topic. {@code source} is redacted
 * (no credentials); {@code error} is the one-line reason of a failed job, or of a done one a warning (its source ended early) or null.
 */
public record JobStatus(String id, State state, String worker, String source, List<String> sinks, String error,
                        long frames, long updatedMillis) {

  public enum State { QUEUED, RUNNING, DONE, FAILED;

    public boolean finished() {
      return this == DONE || this == FAILED;
    }
  }
}
