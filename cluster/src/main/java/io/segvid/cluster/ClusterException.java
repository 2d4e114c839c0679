package io.segvid.cluster;

/** A problem with the cluster, in one line for the user. */
public final class ClusterException extends RuntimeException {

  public ClusterException(String message) {
    super(message);
  }
}
