package io.segvid.cli;

import io.segvid.testkit.Media;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample video end to end through the real model into every file sink at once: the recordings
 * keep every frame, in order, with the source's timestamps and its audio; masks and stats cover every
 * frame.
 */
class FileRunTest {

  @TempDir
  static Path out;
  static Media.Probe source;
  static int exit;
  static String errors;

  @BeforeAll
  static void run() throws Exception {
    source = Media.probe(Media.VIDEO);
    StringWriter err = new StringWriter();
    exit = Segvid.execute(new PrintWriter(err, true), "run", "--source", Media.VIDEO.toString(),
        "--model", Media.MODEL.toString(), "--no-progress", "--batch-size", "3",
        "--sink", "file:" + out.resolve("seg.mp4"), "--sink", "file:" + out.resolve("seg.mkv"),
        "--sink", "masks:" + out.resolve("masks"), "--sink", "stats:" + out.resolve("stats.jsonl"));
    errors = err.toString();
  }

  @Test
  void runSucceeds() {
    assertEquals(0, exit, errors);
    assertTrue(source.frames() > 200, "sample has " + source.frames() + " frames");
  }

  @Test
  void mp4KeepsEveryFrameTimestampAndAudio() throws Exception {
    checkRecording(out.resolve("seg.mp4"));
  }

  @Test
  void mkvKeepsEveryFrameTimestampAndAudio() throws Exception {
    checkRecording(out.resolve("seg.mkv"));
  }

  private static void checkRecording(Path file) throws Exception {
    Media.Probe p = Media.probe(file);
    assertEquals(source.frames(), p.frames(), "every source frame appears once");
    assertEquals(source.width(), p.width());
    assertEquals(source.height(), p.height());
    List<Long> expected = source.videoTimestamps();
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), p.videoTimestamps().get(i), 1500, "timestamp of frame " + i);
    }
    assertEquals(source.audioChannels(), p.audioChannels(), "audio carried over");
    assertEquals(source.sampleRate(), p.sampleRate());
    assertEquals(source.audioSamples(), p.audioSamples(), source.sampleRate() * 0.1, "audio length within 0.1 s");
  }

  @Test
  void masksAndStatsCoverEveryFrame() throws Exception {
    Path masks = out.resolve("masks");
    try (var files = Files.list(masks)) {
      assertEquals(source.frames(), files.filter(f -> f.toString().endsWith(".png") && !f.getFileName().toString().startsWith(".")).count());
    }
    Mat first = opencv_imgcodecs.imread(masks.resolve("000000.png").toString(), opencv_imgcodecs.IMREAD_UNCHANGED);
    assertEquals(source.height(), first.rows());
    assertEquals(source.width(), first.cols());
    assertEquals(1, first.channels());
    first.close();

    List<String> lines = Files.readAllLines(out.resolve("stats.jsonl"));
    assertEquals(source.frames(), lines.size());
    ObjectMapper json = new ObjectMapper();
    for (int i = 0; i < lines.size(); i++) {
      JsonNode n = json.readTree(lines.get(i));
      assertEquals(i, n.get("index").asInt());
      assertEquals(source.videoTimestamps().get(i), n.get("timestamp_us").asLong());
      double sum = 0;
      for (JsonNode v : n.get("fractions")) sum += v.asDouble();
      assertEquals(1.0, sum, 0.002);
      assertEquals(11, n.get("fractions").size());
    }
  }
}
