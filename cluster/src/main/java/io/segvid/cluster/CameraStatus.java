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
}
