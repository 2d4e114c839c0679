package io.segvid.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cameras that run nowhere but in this ledger: which host runs which camera and how often each was
 * started. A source starting {@code bad:} is refused at start; one starting {@code dies:} ends by
 * itself at once, as an unreachable camera does.
 */
final class FakeCameras {

  final Map<String, String> runningOn = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> starts = new ConcurrentHashMap<>();
  /** A camera started on one host while another still ran it: what the cooperative stop prevents. */
  final List<String> overlaps = new CopyOnWriteArrayList<>();

  CameraRunner on(String host) {
    return (id, source, sinks) -> {
      if (source.startsWith("bad:")) throw new IllegalArgumentException("cannot open " + source);
      starts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
      boolean dies = source.startsWith("dies:");
      if (!dies) {
        String other = runningOn.putIfAbsent(id, host);
        if (other != null) overlaps.add(id + " started on " + host + " while running on " + other);
      }
      return new CameraRunner.Running() {
        private volatile boolean stopped;

        @Override
        public String failure() {
          return dies ? "camera lost" : null;
        }

        @Override
        public boolean ended() {
          return dies || stopped;
        }

        @Override
        public boolean flowing() {
          return !dies;
        }

        @Override
        public void stop() {
          stopped = true;
          runningOn.remove(id, host);
        }
      };
    };
  }

  long runningOn(String host) {
    return runningOn.values().stream().filter(host::equals).count();
  }

  int starts(String id) {
    AtomicInteger n = starts.get(id);
    return n == null ? 0 : n.get();
  }
}
