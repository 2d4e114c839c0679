package io.segvid.cluster;

/**
 * What a worker last said about a camera, kept in a compacted topic keyed by camera id. {@code source}
 * is redacted; {@code startedMillis} changes only when the camera's pipeline (re)starts, so a camera
 * that kept running through a rebalance keeps it.
 */
public record CameraStatus(String id, State state, String worker, String source, String error, long startedMillis,
                           long updatedMillis) {

  /** STARTING: its pipeline is opening the camera; RUNNING: segmented frames are flowing. */
  public enum State { STARTING, RUNNING, FAILED, STOPPED }

  /** A worker repeats RUNNING this often while the camera runs, so a report that stops coming means something. */
  public static final long REPORT_EVERY_MILLIS = 10_000;

  /**
   * Whether a RUNNING report is older than three report periods at {@code nowMillis}: its worker has
   * probably died, and the camera moves once the group notices (the session timeout).
   */
  public boolean overdue(long nowMillis) {
    return state == State.RUNNING && nowMillis - updatedMillis > 3 * REPORT_EVERY_MILLIS;
  }
}
