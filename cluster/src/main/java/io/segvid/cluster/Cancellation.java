package io.segvid.cluster;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A running job's hand-back: the worker cancels, the runner hears it at once through the action it
 * registered. An action may run twice if it is registered while the cancel happens: keep it
 * idempotent (a stop request is).
 */
public final class Cancellation {

  private final List<Runnable> actions = new CopyOnWriteArrayList<>();
  private volatile boolean cancelled;

  /** Runs {@code action} on cancel (at once if already cancelled). */
  public void onCancel(Runnable action) {
    actions.add(action);
    if (cancelled) action.run();
  }

  public boolean cancelled() {
    return cancelled;
  }

  void cancel() {
    if (cancelled) return;
    cancelled = true;
    for (Runnable a : actions) a.run();
  }
}
