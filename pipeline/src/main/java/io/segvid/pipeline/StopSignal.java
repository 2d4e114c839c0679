package io.segvid.pipeline;

/** Asks capture to stop (Ctrl-C, SIGTERM, --duration, a closed window, a failed stage); first reason wins. */
public final class StopSignal {

  private volatile String reason;
  private volatile Throwable failure;

  public void request(String why) {
    if (reason == null) reason = why;
  }

  /** A stage failed: stop, and remember the failure for the exit status. */
  public void fail(Throwable t) {
    if (failure == null) failure = t;
    request("failure");
  }

  public boolean requested() {
    return reason != null;
  }

  public String reason() {
    return reason;
  }

  public Throwable failure() {
    return failure;
  }
}
