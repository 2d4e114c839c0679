package io.segvid.pipeline;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The end of a run: waits for the threads that use native resources before anything is freed. */
final class Teardown {

  private static final Logger LOG = LoggerFactory.getLogger(Teardown.class);

  private Teardown() { }

  /** Joins every thread within one shared deadline; true if all of them ended. */
  static boolean joinAll(List<Thread> threads, long timeout, TimeUnit unit) {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    for (Thread t : threads) {
      long left = deadline - System.nanoTime();
      try {
        if (left > 0) t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      if (t.isAlive()) return false;
    }
    return true;
  }

  static void warnLeak(String what, List<Thread> stages) {
    List<String> alive = stages.stream().filter(Thread::isAlive).map(Thread::getName).toList();
    LOG.warn("still running after the stop: {}; {} left allocated rather than freed under it",
        alive.isEmpty() ? "a capture or the model's helper" : String.join(", ", alive), what);
  }
}
