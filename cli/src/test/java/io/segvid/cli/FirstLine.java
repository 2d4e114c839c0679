package io.segvid.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The first line a helper process prints (its "ready" signal), waited for with a deadline, never forever. */
final class FirstLine {

  private FirstLine() { }

  static String of(Process process, BufferedReader out, int seconds, String what) throws Exception {
    CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    try {
      return line.get(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      process.destroyForcibly();  // also ends the blocked read
      throw new IllegalStateException(what + " printed nothing within " + seconds + " s");
    }
  }
}
