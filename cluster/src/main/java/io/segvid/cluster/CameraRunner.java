package io.segvid.cluster;

import java.util.List;

/** Starts one camera's pipeline on this worker; it runs until stopped (live sources reconnect on their own). */
@FunctionalInterface
public interface CameraRunner {

  /** A running camera. */
  interface Running {
    /** The one-line reason it ended by itself (bad source, failed sink), or null while it runs or after a stop. */
    String failure();

    boolean ended();

    /** Whether a segmented frame has come out yet. */
    boolean flowing();

    /** Stops it and waits until its outputs are finished and its threads gone. */
    void stop();
  }

  /** Bad input throws IllegalArgumentException with a one-line reason; the camera is then reported failed. */
  Running start(String cameraId, String source, List<String> sinks);
}
