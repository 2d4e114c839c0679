package io.segvid.capture;

/**
 * A parsed --source: creates fresh {@link VideoSource} instances, so a live source can be reopened
 * on a new connection after a disconnect or a stall, while a stuck old one is abandoned.
 */
public interface SourceSpec {

  /** Printable, without credentials. */
  String name();

  /** Cameras and streams: drop instead of wait, reconnect instead of end. */
  boolean live();

  VideoSource create();
}
