package io.segvid.cli.bench;

import io.segvid.pipeline.metrics.Memory;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time from the JVM's accounting: the whole process (TensorFlow's native thread pools included)
 * and per Java thread (which includes the native code those threads run: FFmpeg, OpenCV).
 */
public final class CpuTime {

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private CpuTime() { }

  public static long processNanos() {
    return OS.getProcessCpuTime();
  }

  /** CPU nanoseconds so far per live thread whose name starts with the prefix. */
  public static Map<String, Long> byThread(String threadPrefix) {
    Map<String, Long> out = new TreeMap<>();
    for (Thread t : Memory.threadsNamed(threadPrefix)) {
      long ns = THREADS.getThreadCpuTime(t.getId());
      if (ns > 0) out.merge(t.getName(), ns, Long::sum);
    }
    return out;
  }
}
