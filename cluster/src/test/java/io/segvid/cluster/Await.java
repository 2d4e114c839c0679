package io.segvid.cluster;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Waits for a condition with a generous deadline instead of sleeping a fixed time. */
final class Await {

  private Await() { }

  static void until(String what, int seconds, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.call()) {
      if (System.nanoTime() > deadline) throw new AssertionError("not within " + seconds + " s: " + what);
      Thread.sleep(100);
    }
  }
}
