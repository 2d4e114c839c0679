package io.segvid.output;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.bytedeco.javacpp.BytePointer;

/**
 * The newest encoded frame, handed to any number of HTTP readers without a fresh array per frame.
 * One thread publishes into a buffer no reader holds; readers hold the buffer they are sending until
 * they release it, so a slow viewer keeps its frame intact while newer ones go into other buffers.
 * Buffers are reused and grow only when a frame is larger than any before: there are at most as many
 * as readers at once plus two.
 */
final class SharedJpeg {

  /** One encoded frame: {@code bytes[0..length)}. Read-only while held. */
  static final class Held {
    private byte[] bytes = new byte[0];
    private int length;
    private long version;
    private int readers;

    byte[] bytes() {
      return bytes;
    }

    int length() {
      return length;
    }

    long version() {
      return version;
    }
  }

  private final List<Held> buffers = new ArrayList<>();
  private Held latest;
  private long version;

  /** Copies the JPEG in {@code jpeg} (its limit is the length) out and makes it the newest frame. One thread calls this. */
  void publish(BytePointer jpeg) {
    int length = (int) jpeg.limit();
    Held target;
    synchronized (this) {
      target = freeBuffer();  // neither the newest nor held: no reader can reach it until it is published
    }
    if (target.bytes.length < length) target.bytes = new byte[length + length / 4];  // room to vary
    jpeg.position(0).get(target.bytes, 0, length);
    target.length = length;
    synchronized (this) {
      target.version = ++version;
      latest = target;
      notifyAll();
    }
  }

  private Held freeBuffer() {
    for (Held b : buffers) {
      if (b.readers == 0 && b != latest) return b;
    }
    Held b = new Held();
    buffers.add(b);
    return b;
  }

  /**
   * Waits up to {@code millis} for a frame newer than {@code seenVersion} (or while {@code stop} says
   * go on) and holds it for the caller, who must {@link #release} it; null when none came.
   */
  synchronized Held acquireNewer(long seenVersion, long millis, BooleanSupplier stop) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while ((latest == null || latest.version == seenVersion) && !stop.getAsBoolean()) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) return null;
      wait(Math.min(left, 200));
    }
    if (latest == null || latest.version == seenVersion) return null;
    latest.readers++;
    return latest;
  }

  synchronized void release(Held held) {
    held.readers--;
  }

  /** Wakes every waiting reader (to notice a stop). */
  synchronized void wakeAll() {
    notifyAll();
  }

  /** Buffers made so far (for tests). */
  synchronized int bufferCount() {
    return buffers.size();
  }
}
