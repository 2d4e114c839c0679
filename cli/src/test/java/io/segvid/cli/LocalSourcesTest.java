package io.segvid.cli;

import io.segvid.testkit.Media;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live sources that need no network: an FFmpeg lavfi camera stand-in, a paced file loop, a missing webcam. */
class LocalSourcesTest {

  @TempDir
  Path tmp;

  @Test
  void lavfiTestPatternRunsAsALiveSourceForTheGivenDuration() throws Exception {
    Path stats = tmp.resolve("lavfi.jsonl");
    long t0 = System.nanoTime();
    int code = Segvid.execute(new PrintWriter(new StringWriter(), true), "run", "--model", Media.MODEL.toString(),
        "--source", "lavfi:testsrc2=size=320x240:rate=25", "--sink", "stats:" + stats, "--duration", "4", "--no-progress");
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals(0, code);
    List<String> lines = Files.readAllLines(stats);
    assertTrue(lines.size() >= 10, lines.size() + " frames in 4 s");
    assertTrue(seconds < 30, "--duration ends a live run: " + seconds + " s");
  }

  @Test
  void aCameraFasterThanTheModelGetsAHintAndOneItKeepsUpWithDoesNot() throws Exception {
    // 200 fps is beyond any CPU this model runs on; 2 fps is within every one.
    String fast = runPrinting("lavfi:testsrc2=size=320x240:rate=200");
    assertTrue(fast.contains("the model kept up with") && fast.contains("--input-size"), fast);
    String slow = runPrinting("lavfi:testsrc2=size=320x240:rate=2");
    assertTrue(slow.contains("frames in"), slow);
    assertTrue(!slow.contains("kept up with"), slow);
  }

  /** What {@code run} prints on stdout (its end-of-run summary) for 3 s of a live source. */
  private String runPrinting(String source) {
    InProcessCli.Ran ran = InProcessCli.run("run", "--model", Media.MODEL.toString(), "--source", source,
        "--sink", "stats:" + tmp.resolve("s.jsonl"), "--duration", "3", "--no-progress");
    assertEquals(0, ran.code(), ran.out() + ran.err());
    return ran.out();
  }

  @Test
  void loopedFileIsPacedInRealTime() throws Exception {
    Path stats = tmp.resolve("loop.jsonl");
    int code = Segvid.execute(new PrintWriter(new StringWriter(), true), "run", "--model", Media.MODEL.toString(),
        "--source", "loop:" + Media.VIDEO, "--sink", "stats:" + stats, "--duration", "3", "--no-progress");
    assertEquals(0, code);
    // Paced at 25 fps, 3 s can deliver at most ~75 source frames, however fast the machine.
    List<String> lines = Files.readAllLines(stats);
    assertTrue(lines.size() > 5 && lines.size() <= 110, lines.size() + " frames");
  }

  @Test
  void aLoopedFileCutShortIsNamedAsCutShortAndStillLoops() throws Exception {
    Path cut = Media.cutCopyOfVideo(tmp.resolve("cut.mp4"));
    try (SegvidProcess segvid = SegvidProcess.start(tmp.resolve("loop.log"), java.util.Map.of(), "--source", "loop:" + cut)) {
      segvid.await("the cut named", 60, () -> segvid.logText().contains("loop:" + cut + ": it ends at")
          && segvid.logText().contains("the file is cut short or damaged; each pass of the loop ends there"));
      segvid.awaitMoreFrames("frames past the cut's first pass (about 60 frames)", 120, 90);
    }
  }

  @Test
  void missingWebcamFailsWithinASecond() {
    StringWriter err = new StringWriter();
    long t0 = System.nanoTime();
    int code = Segvid.execute(new PrintWriter(err, true), "run", "--model", Media.MODEL.toString(),
        "--source", "webcam:7", "--sink", "stats:" + tmp.resolve("cam.jsonl"), "--no-progress");
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertNotEquals(0, code);
    assertTrue(err.toString().contains("no camera at /dev/video7"), err.toString());
    assertEquals(1, err.toString().strip().lines().count());
    // Not a network-style timeout (10 s and more): a generous bound for a slow, busy machine.
    assertTrue(seconds < 5.0, "failed after " + seconds + " s");
    assertTrue(!Files.exists(tmp.resolve("cam.jsonl")), "no output for a run that never started");
  }
}
