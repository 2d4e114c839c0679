package io.segvid.pipeline.bench;

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

  /** Bytes allocated so far by the named threads (prefix match); threads that ended are not counted. */
  public static long allocatedBy(String threadPrefix) {
    long total = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (!t.getName().startsWith(threadPrefix)) continue;
      long b = THREADS.getThreadAllocatedBytes(t.getId());
      if (b > 0) total += b;
    }
    return total;
  }
}
