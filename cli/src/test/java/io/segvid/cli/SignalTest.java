package io.segvid.cli;

import io.segvid.testkit.Media;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real segvid process recording the sample video: the files are playable while being written, a
 * SIGKILL leaves them playable up to about the last GOP, and SIGTERM finishes them cleanly with every
 * processed frame.
 */
class SignalTest {

  @TempDir
  Path tmp;

  @Test
  void sigkillLeavesPlayableRecordings() throws Exception {
    Path mp4 = tmp.resolve("killed.mp4");
    Path mkv = tmp.resolve("killed.mkv");
    Process p = start(tmp.resolve("kill.log"), "--sink", "file:" + mp4, "--sink", "file:" + mkv);
    try {
      waitForSize(p, List.of(mp4, mkv), 450_000);
      Media.Probe live = Media.probe(mp4);  // read while the process is still writing
      assertTrue(live.frames() >= 10, "playable while recording: " + live.frames() + " frames");
    } finally {
      p.destroyForcibly();  // SIGKILL
      p.waitFor(20, TimeUnit.SECONDS);
    }
    for (Path f : List.of(mp4, mkv)) {
      Media.Probe probe = Media.probe(f);
      assertTrue(probe.frames() >= 25, f + " after SIGKILL has " + probe.frames() + " frames");
      assertEquals(960, probe.width());
    }
  }

  @Test
  void sigtermFinishesTheRecording() throws Exception {
    Path mp4 = tmp.resolve("stopped.mp4");
    Path log = tmp.resolve("term.log");
    // A source that never ends (the sample looped as a live feed), so SIGTERM always lands mid-run.
    Process p = startWith(log, "loop:" + Media.VIDEO, "--sink", "file:" + mp4);
    waitForSize(p, List.of(mp4), 250_000);
    p.destroy();  // SIGTERM
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stops within 30 s");
    String out = Files.readString(log);
    Matcher m = Pattern.compile("(\\d+) frames in, (\\d+) out").matcher(out);
    assertTrue(m.find(), "summary printed on SIGTERM: " + out);
    int rendered = Integer.parseInt(m.group(2));
    assertTrue(rendered > 0, "frames were rendered before the stop");
    assertEquals(rendered, Media.probe(mp4).frames(), "every processed frame is in the finished file");
  }

  private static Process start(Path log, String... sinks) throws IOException {
    return startWith(log, Media.VIDEO.toString(), sinks);
  }

  private static Process startWith(Path log, String source, String... sinks) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.segvid.cli.Segvid", "run",
        "--source", source, "--model", Media.MODEL.toString(), "--no-progress", "--threads", "1"));
    cmd.addAll(List.of(sinks));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "3");
    return pb.start();
  }

  private static void waitForSize(Process p, List<Path> files, long bytes) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      boolean all = true;
      for (Path f : files) all &= Files.exists(f) && Files.size(f) >= bytes;
      if (all) return;
      assertTrue(p.isAlive(), "segvid exited before writing " + bytes + " bytes");
      Thread.sleep(50);
    }
    throw new AssertionError("recordings did not reach " + bytes + " bytes");
  }
}
