package io.segvid.pipeline.metrics;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory from the kernel, and heap allocation summed over threads from the JVM's own accounting. */
public final class Memory {

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private Memory() { }

  /** VmRSS in bytes (0 where /proc is not available). */
  public static long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
      }
    } catch (Exception e) {
      // not Linux
    }
    return 0;
  }

  /** Java heap the JVM has committed (touched or reserved pages it may grow into), in bytes. */
  public static long heapCommittedBytes() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
  }

  /**
   * Bytes allocated so far per thread whose name starts with the prefix. What this call itself
   * allocates (listing threads is not free) is taken off the calling thread's figure.
   */
  public static java.util.Map<String, Long> allocatedByThread(String threadPrefix) {
    Thread self = Thread.currentThread();
    long before = THREADS.getThreadAllocatedBytes(self.getId());
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    for (Thread t : threadsNamed(threadPrefix)) {
      if (t == self) continue;
      long b = THREADS.getThreadAllocatedBytes(t.getId());
      if (b > 0) out.merge(t.getName(), b, Long::sum);
    }
    if (self.getName().startsWith(threadPrefix)) out.merge(self.getName(), before, Long::sum);
    return out;
  }

  /** Live threads whose name starts with the prefix. */
  public static java.util.List<Thread> threadsNamed(String threadPrefix) {
    Thread[] all = new Thread[Thread.activeCount() + 16];
    int n = Thread.enumerate(all);
    java.util.List<Thread> out = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) if (all[i].getName().startsWith(threadPrefix)) out.add(all[i]);
    return out;
  }

  /** Bytes allocated so far by the named threads (prefix match); threads that ended are not counted. */
  public static long allocatedBy(String threadPrefix) {
    long total = 0;
    for (long b : allocatedByThread(threadPrefix).values()) total += b;
    return total;
  }
}
