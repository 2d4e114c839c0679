package io.segvid.cli;

import io.segvid.testkit.Media;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of bad input: one line naming the problem, a non-zero exit, no stack trace, no output left. */
class BadInputTest {

  @TempDir
  Path tmp;

  record Run(int exit, String err) { }

  private Run run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--no-progress");
    return execute(all.toArray(new String[0]));
  }

  /** As typed, for commands without a progress bar. */
  private static Run execute(String... args) {
    StringWriter err = new StringWriter();
    int code = Segvid.execute(new PrintWriter(err, true), args);
    return new Run(code, err.toString());
  }

  /** A run of the sample video with this YAML as its config. */
  private Run runWithConfig(String yaml) throws Exception {
    Path cfg = tmp.resolve("config.yaml");
    Files.writeString(cfg, yaml);
    return run("run", "--config", cfg.toString(), "--source", Media.VIDEO.toString(), "--sink", "stats:"
        + tmp.resolve("s.jsonl"));
  }

  private void assertOneLineError(Run r, String expected) {
    assertNotEquals(0, r.exit());
    String text = r.err().strip();
    assertEquals(1, text.lines().count(), "exactly one line: " + text);
    assertTrue(text.contains(expected), "'" + text + "' should mention '" + expected + "'");
    assertFalse(text.contains("\tat "), "no stack trace");
  }

  @Test
  void missingVideoFile() {
    Path out = tmp.resolve("o.mp4");
    assertOneLineError(run("run", "--source", tmp.resolve("nope.mp4").toString(), "--sink", "file:" + out,
        "--model", Media.MODEL.toString()), "does not exist");
    assertFalse(Files.exists(out));
  }

  @Test
  void folderAsSourcePointsToSegmentImages() throws Exception {
    Path folder = Files.createDirectories(tmp.resolve("photos"));
    Path out = tmp.resolve("o.mp4");
    assertOneLineError(run("run", "--source", folder.toString(), "--sink", "file:" + out, "--model", Media.MODEL.toString()),
        "is a folder, not a video file (for a folder of images: segvid segment-images --input " + folder);
    assertFalse(Files.exists(out));
  }

  @Test
  void fileThatIsNotVideo() throws Exception {
    Path text = tmp.resolve("notes.mp4");
    Files.writeString(text, "this is not a video\n".repeat(100));
    Path out = tmp.resolve("o.mp4");
    assertOneLineError(run("run", "--source", text.toString(), "--sink", "file:" + out, "--model", Media.MODEL.toString()),
        "is not a video");
    assertFalse(Files.exists(out));
  }

  @Test
  void missingModel() {
    Path out = tmp.resolve("o.mkv");
    assertOneLineError(run("run", "--source", Media.VIDEO.toString(), "--sink", "file:" + out,
        "--model", tmp.resolve("no-model").toString()), "does not exist");
    assertFalse(Files.exists(out), "no output before the model has opened");
  }

  @Test
  void folderThatIsNotAModel() throws Exception {
    Path fake = Files.createDirectories(tmp.resolve("fake-model"));
    Files.writeString(fake.resolve("saved_model.pb"), "garbage");
    Path out = tmp.resolve("o.mkv");
    assertOneLineError(run("run", "--source", Media.VIDEO.toString(), "--sink", "file:" + out,
        "--model", fake.toString()), "fake-model");
    assertFalse(Files.exists(out));
  }

  @Test
  void unknownSink() {
    assertOneLineError(run("run", "--source", Media.VIDEO.toString(), "--sink", "ftp://example", "--model",
        Media.MODEL.toString()), "unknown sink");
  }

  @Test
  void unsupportedRecordingExtension() {
    assertOneLineError(run("run", "--source", Media.VIDEO.toString(), "--sink", "file:" + tmp.resolve("o.gif"),
        "--model", Media.MODEL.toString()), ".mp4, .mkv");
  }

  @Test
  void unwritableOutput() throws Exception {
    Path blocker = tmp.resolve("a-file");
    Files.writeString(blocker, "x");
    assertOneLineError(run("run", "--source", Media.VIDEO.toString(), "--sink", "file:" + blocker.resolve("o.mp4"),
        "--model", Media.MODEL.toString()), "a-file");
  }

  @Test
  void badTestTimeAugmentationIsNamedAsGiven() throws Exception {
    assertOneLineError(run("run", "--source", Media.VIDEO.toString(), "--sink", "stats:" + tmp.resolve("s.jsonl"),
        "--tta", "mirror"), "--tta must be none, flip, scales or flip+scales, got 'mirror'");
    assertOneLineError(runWithConfig("model:\n  tta: mirror\n"), "model.tta must be none, flip, scales or flip+scales");
  }

  @Test
  void unreachableKafkaIsOneLineWithoutTheClientsRetryWarnings() throws Exception {
    int port = RtspServer.freePort();  // nothing listens there
    Path clientConfig = tmp.resolve("kafka.properties");
    Files.writeString(clientConfig, "default.api.timeout.ms=3000\nrequest.timeout.ms=3000\n");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), "io.segvid.cli.Segvid", "cameras", "list", "--kafka", "127.0.0.1:" + port,
        "--kafka-config", clientConfig.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
    assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
    assertNotEquals(0, p.exitValue());
    assertEquals("segvid cameras list: cannot reach Kafka at 127.0.0.1:" + port + ": no broker answered within 3 s", output);

    // Client settings Kafka refuses: the reason, not only "Failed to create new KafkaAdminClient".
    Files.writeString(clientConfig, "default.api.timeout.ms=3000\n");
    assertOneLineError(execute("jobs", "--kafka", "127.0.0.1:" + port, "--kafka-config", clientConfig.toString()),
        "default.api.timeout.ms must be no smaller than the value of request.timeout.ms");
  }

  @Test
  void badConfigKeyIsNamed() throws Exception {
    assertOneLineError(runWithConfig("render:\n  alpah: 0.3\n"), "render.alpah");
  }

  @Test
  void truncatedFileIsProcessedAsFarAsItDecodes() throws Exception {
    // MPEG-TS keeps no index, so a cut file still opens; about the first half of the frames decode.
    Path ts = tmp.resolve("sample.ts");
    int frames = Media.reencode(Media.VIDEO, ts, "mpegts", org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MPEG2VIDEO, 100);
    byte[] all = Files.readAllBytes(ts);
    Path cut = tmp.resolve("cut.ts");
    Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
    Path out = tmp.resolve("cut-out.mkv");
    Run r = run("run", "--source", cut.toString(), "--sink", "file:" + out, "--model", Media.MODEL.toString());
    assertEquals(0, r.exit(), r.err());
    int written = Media.probe(out).frames();
    assertTrue(written > frames / 3 && written < frames, written + " of " + frames + " frames");
  }

  @Test
  void aFileCutShortIsProcessedAsFarAsItGoesAndNamedAsCutShort() throws Exception {
    Path cut = Media.cutCopyOfVideo(tmp.resolve("cut.mp4"));
    Path out = tmp.resolve("cut-out.mkv");
    InProcessCli.Ran r = InProcessCli.run("run", "--no-progress", "--source", cut.toString(), "--sink", "file:" + out,
        "--model", Media.MODEL.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("warning: stopped reading " + cut) && r.out().contains("the file is cut short or damaged"),
        r.out());
    int written = Media.probe(out).frames();
    assertTrue(written > 20 && written < Media.probe(Media.VIDEO).frames() / 2, written + " frames written");
    // A whole file, of a container that also states its length, is not called cut.
    Path whole = tmp.resolve("whole.mkv");
    Media.reencode(Media.VIDEO, whole, "matroska", org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MPEG4, 40);
    InProcessCli.Ran w = InProcessCli.run("run", "--no-progress", "--source", whole.toString(), "--sink", "stats:"
        + tmp.resolve("whole.jsonl"), "--model", Media.MODEL.toString());
    assertEquals(0, w.code(), w.err());
    assertFalse(w.out().contains("cut short") || w.out().contains("warning"), w.out());
  }

  @Test
  void aFileCutBeforeItsFirstPictureFailsAndLeavesNoRecording() throws Exception {
    // Cut a few bytes into the sample's media data: the header (8.8 s) opens, no picture decodes.
    byte[] all = Files.readAllBytes(Media.VIDEO);
    Path cut = Files.write(tmp.resolve("header-only.mp4"), java.util.Arrays.copyOf(all, mediaDataStart(all) + 64));
    Path out = tmp.resolve("header-only-out.mkv");
    assertOneLineError(run("run", "--source", cut.toString(), "--sink", "file:" + out, "--model", Media.MODEL.toString()),
        "holds no picture that decodes");
    assertFalse(Files.exists(out), "no recording of nothing");
    // Looped, the file goes to FFmpeg through a filter graph, whose own error names nothing.
    assertOneLineError(run("run", "--source", "loop:" + cut, "--sink", "file:" + out, "--model", Media.MODEL.toString()),
        "holds no picture that decodes");
    assertFalse(Files.exists(out));
    assertOneLineError(run("run", "--source", "loop:" + tmp.resolve("nope.mp4"), "--sink", "file:" + out,
        "--model", Media.MODEL.toString()), "does not exist");
  }

  /** Where the first top-level 'mdat' box of an MP4 starts (its boxes: 32-bit size, 4-letter type). */
  private static int mediaDataStart(byte[] mp4) {
    int at = 0;
    while (at + 8 <= mp4.length) {
      int size = java.nio.ByteBuffer.wrap(mp4, at, 4).getInt();
      if (new String(mp4, at + 4, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("mdat")) return at;
      if (size < 8) break;
      at += size;
    }
    throw new IllegalStateException("the sample has no mdat box");
  }

  @Test
  void recordingThatRunsOutOfSpaceFailsAndIsNotLeftAsIfComplete() throws Exception {
    // A full disk, as the writer sees it: a file-size limit on a child segvid (the JVM ignores
    // SIGXFSZ, so writes past it fail with EFBIG). The natives must already sit in JavaCPP's cache,
    // which the child would otherwise extract under the same limit: one short in-process run does it.
    assertEquals(0, run("run", "--source", Media.VIDEO.toString(), "--sink", "stats:" + tmp.resolve("warm.jsonl"),
        "--model", Media.MODEL.toString(), "--duration", "0.2").exit());
    Path out = tmp.resolve("full.mp4");
    Path log = tmp.resolve("full.log");
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", "ulimit -f 400 && exec \"$0\" \"$@\"", javaBin,
        "-cp", System.getProperty("java.class.path"), "io.segvid.cli.Segvid", "run", "--no-progress",
        "--source", Media.VIDEO.toString(), "--sink", "file:" + out, "--model", Media.MODEL.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "3");
    Process p = pb.start();
    assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "segvid did not stop");
    String text = Files.readString(log);
    assertNotEquals(0, p.exitValue(), text);
    assertTrue(text.contains("full.mp4") && text.contains("failed"), text);
    assertFalse(text.contains("\tat "), "no stack trace: " + text);
    assertFalse(Files.exists(out), "the failed recording must not keep the finished name");
    Path partial = tmp.resolve("full.partial.mp4");
    assertTrue(Files.size(partial) > 100_000, "what was written is kept");
    assertTrue(Media.probe(partial).frames() > 10, "and plays up to the failure");
  }
}
