package io.segvid.cli;

import io.segvid.testkit.Media;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.global.avcodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands a newcomer runs first: demo, several streams with {stream}, Ctrl-C, and errors without secrets. */
class CommandsTest {

  @TempDir
  Path tmp;

  @Test
  void demoWritesTheWholeRecordingAndAPreview() throws Exception {
    Path out = tmp.resolve("demo");
    StringWriter err = new StringWriter();
    int code = Segvid.execute(new PrintWriter(err, true), "demo", "--out", out.toString(), "--model", Media.MODEL.toString(),
        "--source", Media.VIDEO.toString(), "--no-progress");
    assertEquals(0, code, err.toString());
    assertEquals(Media.probe(Media.VIDEO).frames(), Media.probe(out.resolve("highway-segmented.mp4")).frames());
    assertTrue(Files.size(out.resolve("preview.png")) > 10_000);
  }

  @Test
  void severalStreamsEachGetTheirOwnOutput() throws Exception {
    Path a = tmp.resolve("a.mkv");
    Path b = tmp.resolve("b.mkv");
    int framesA = Media.reencode(Media.VIDEO, a, "matroska", avcodec.AV_CODEC_ID_MPEG4, 30);
    int framesB = Media.reencode(Media.VIDEO, b, "matroska", avcodec.AV_CODEC_ID_MPEG4, 45);
    StringWriter err = new StringWriter();
    int code = Segvid.execute(new PrintWriter(err, true), "run", "--model", Media.MODEL.toString(), "--source", a.toString(),
        "--source", b.toString(), "--sink", "file:" + tmp.resolve("seg-{stream}.mkv"), "--no-progress");
    assertEquals(0, code, err.toString());
    List<Integer> counts = new ArrayList<>();
    try (Stream<Path> files = Files.list(tmp)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.getFileName().toString().startsWith("seg-"))::iterator) {
        counts.add(Media.probe(f).frames());
      }
    }
    counts.sort(null);
    assertEquals(List.of(framesA, framesB), counts, "one complete recording per stream");
  }

  @Test
  void ctrlCFinishesTheRunCleanly() throws Exception {
    Path mkv = tmp.resolve("interrupted.mkv");
    Path log = tmp.resolve("int.log");
    // As from a terminal: a build started in the background (CI, nohup ... &) passes SIGINT on as
    // ignored, and a JVM that starts with SIGINT ignored never sees Ctrl-C. Python resets it first.
    ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", "-c",
        "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.segvid.cli.Segvid", "run",
        "--source", "loop:" + Media.VIDEO, "--model", Media.MODEL.toString(), "--sink", "file:" + mkv, "--no-progress")
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "3");
    Process p = pb.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!(Files.exists(mkv) && Files.size(mkv) > 200_000) && System.nanoTime() < deadline) {
        assertTrue(p.isAlive(), "segvid exited early: " + Files.readString(log));
        Thread.sleep(50);
      }
      new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor(5, TimeUnit.SECONDS);
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stops within 30 s of Ctrl-C");
      String out = Files.readString(log);
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) frames in, (\\d+) out").matcher(out);
      assertTrue(m.find(), "summary printed on Ctrl-C: " + out);
      assertEquals(Integer.parseInt(m.group(2)), Media.probe(mkv).frames(), "every rendered frame is in the file");
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void anUnreachableCameraIsOneLineWithoutItsPassword() {
    StringWriter err = new StringWriter();
    int code = Segvid.execute(new PrintWriter(err, true), "run", "--model", Media.MODEL.toString(),
        "--source", "rtsp://admin:hunter2-secret@127.0.0.1:1/stream", "--sink", "stats:" + tmp.resolve("s.jsonl"),
        "--no-progress");
    String text = err.toString();
    assertTrue(code != 0, text);
    assertEquals(1, text.strip().lines().count(), text);
    assertFalse(text.contains("hunter2-secret"), text);
    assertTrue(text.contains("rtsp://***@127.0.0.1:1/stream"), text);
    assertFalse(Files.exists(tmp.resolve("s.jsonl")));
  }
}
