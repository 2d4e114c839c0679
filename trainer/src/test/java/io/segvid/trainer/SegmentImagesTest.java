package io.segvid.trainer;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.inference.ModelOverrides;
import io.segvid.inference.SavedModelSegmenter;
import io.segvid.trainer.cli.EvaluateCommand;
import io.segvid.trainer.cli.SegmentImagesCommand;
import io.segvid.trainer.data.LabelledImageFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * segment-images with the shipped default model on real frames of the sample video, saved at several
 * sizes and formats: one 8-bit single-channel PNG per image, same base name, original size, valid ids.
 * Then evaluate scores those masks against the same model: a perfect score proves both tools agree.
 */
class SegmentImagesTest {

  static final Path MODEL = Path.of("../samples/models/camvid");
  static final Path VIDEO = Path.of("../samples/video/highway-960x540.mp4");

  @TempDir
  static Path tmp;
  static Path images;

  @BeforeAll
  static void writeImages() throws Exception {
    images = Files.createDirectories(tmp.resolve("data/images"));
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(VIDEO.toString());
         OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat()) {
      g.start();
      int index = 0;
      Frame f;
      while ((f = g.grabImage()) != null && index <= 120) {
        Mat m = conv.convert(f);
        if (index == 30) imwrite(images.resolve("frame-a.jpg").toString(), m);
        if (index == 120) {
          try (Mat small = new Mat()) {
            opencv_imgproc.resize(m, small, new Size(401, 299));
            imwrite(images.resolve("frame-b.png").toString(), small);
          }
        }
        index++;
      }
    }
    Files.writeString(images.resolve("notes.txt"), "not an image");
  }

  @Test
  void writesOneMaskPerImageAtTheOriginalSize() throws Exception {
    Path out = tmp.resolve("data/masks");
    int code = new CommandLine(new SegmentImagesCommand()).execute(
        "--model", MODEL.toString(), "--input", images.toString(), "--output", out.toString());
    assertEquals(0, code);
    assertTrue(Files.exists(out.resolve("frame-a.png")) && Files.exists(out.resolve("frame-b.png")));
    assertFalse(Files.exists(out.resolve("notes.png")), "non-images are skipped");
    try (java.util.stream.Stream<Path> files = Files.list(out)) {
      assertEquals(2, files.count(), "exactly one mask per image, no temporary files left");
    }
    checkMask(out.resolve("frame-a.png"), 540, 960);
    checkMask(out.resolve("frame-b.png"), 299, 401);
  }

  /**
   * On real labelled street frames, evaluate's scores equal what the masks segment-images writes
   * score against the ground truth when counted here pixel by pixel, and the shipped model is
   * clearly better than chance on them.
   */
  @Test
  void evaluateScoresWhatSegmentImagesWritesAgainstTheLabels() throws Exception {
    Path data = Path.of("src/test/resources/camvid-mini");
    Path out = tmp.resolve("camvid-masks");
    assertEquals(0, new CommandLine(new SegmentImagesCommand()).execute("--model", MODEL.toString(),
        "--input", data.resolve("images").toString(), "--output", out.toString()));
    long[] inter = new long[11];
    long[] union = new long[11];
    long right = 0;
    long scored = 0;
    for (io.segvid.trainer.data.LabelledImage img : LabelledImageFolder.load(data)) {
      byte[] predicted = maskBytes(out.resolve(img.name() + ".png"), img.height(), img.width());
      for (int i = 0; i < predicted.length; i++) {
        int t = img.labels()[i] & 0xff;
        int p = predicted[i] & 0xff;
        if (t == 11) continue;  // void
        scored++;
        if (t == p) right++;
        for (int c = 0; c < 11; c++) {
          if (t == c && p == c) inter[c]++;
          if (t == c || p == c) union[c]++;
        }
      }
    }
    double sum = 0;
    int present = 0;
    for (int c = 0; c < 11; c++) {
      if (union[c] == 0) continue;
      sum += (double) inter[c] / union[c];
      present++;
    }
    try (SavedModelSegmenter seg = SavedModelSegmenter.open(MODEL, ModelOverrides.NONE, 2)) {
      EvaluateCommand.Evaluation e = EvaluateCommand.evaluate(seg, LabelledImageFolder.load(data), null);
      assertEquals(sum / present, e.confusion().meanIou(), 1e-9);
      assertEquals((double) right / scored, e.confusion().pixelAccuracy(), 1e-9);
      assertTrue(e.confusion().meanIou() > 0.3 && e.confusion().pixelAccuracy() > 0.7,
          "the shipped model on CamVid frames: mIoU " + e.confusion().meanIou());
      assertTrue(e.meanMs() > 0);
    }
  }

  /** Frames of several videos: evaluate scores each video as --prefix would score it alone, printed and in the report. */
  @Test
  void evaluateScoresEachVideoOfAMixedFolder() throws Exception {
    String data = "src/test/resources/camvid-mini";
    Path report = tmp.resolve("mini.json");
    String all = Cli.printed(() -> assertEquals(0, Cli.run(new EvaluateCommand(), "--model", MODEL.toString(),
        "--data", data, "--report", report.toString()).code()));
    com.fasterxml.jackson.databind.JsonNode videos = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(report.toFile()).get("videos");
    assertEquals(3, videos.size(), all);
    for (int i = 0; i < 3; i++) {
      String video = List.of("0001TP", "0006R0", "0016E5").get(i);
      String alone = Cli.printed(() -> assertEquals(0, Cli.run(new EvaluateCommand(), "--model", MODEL.toString(),
          "--data", data, "--prefix", video).code()));
      String miou = alone.lines().filter(l -> l.startsWith("mIoU")).findFirst().orElseThrow().split("\\s+")[1];
      assertTrue(java.util.regex.Pattern.compile("\\n  " + video + " +mIoU " + miou + "  pixel accuracy \\S+  1 images")
          .matcher(all).find(), video + " alone scores " + miou + ":\n" + all);
      assertEquals(video, videos.get(i).get("name").asText());
      assertEquals(Double.parseDouble(miou), videos.get(i).get("meanIou").asDouble(), 5e-5);
    }
  }

  /** The same labelled frames with CamVid's colour masks (void black) score exactly as with id masks. */
  @Test
  void colourCodedGroundTruthScoresAsItsIds() throws Exception {
    Path data = Path.of("src/test/resources/camvid-mini");
    Path colour = tmp.resolve("camvid-colour");
    Files.createDirectories(colour.resolve("masks"));
    Files.copy(data.resolve("classes.csv"), colour.resolve("classes.csv"));
    Files.createDirectories(colour.resolve("images"));
    try (java.util.stream.Stream<Path> files = Files.list(data.resolve("images"))) {
      for (Path f : files.toList()) Files.copy(f, colour.resolve("images").resolve(f.getFileName()));
    }
    List<String> rows = Files.readAllLines(data.resolve("classes.csv"));
    int[][] rgb = new int[256][];
    for (String row : rows.subList(1, rows.size())) {
      String[] f = row.split(",");
      rgb[Integer.parseInt(f[0])] = new int[] {Integer.parseInt(f[2]), Integer.parseInt(f[3]), Integer.parseInt(f[4])};
    }
    List<io.segvid.trainer.data.LabelledImage> byId = LabelledImageFolder.load(data);
    for (io.segvid.trainer.data.LabelledImage img : byId) {
      byte[] bgr = new byte[img.labels().length * 3];
      for (int i = 0; i < img.labels().length; i++) {
        int[] c = rgb[img.labels()[i] & 0xff];
        bgr[i * 3] = (byte) c[2];
        bgr[i * 3 + 1] = (byte) c[1];
        bgr[i * 3 + 2] = (byte) c[0];
      }
      try (Mat m = new Mat(img.height(), img.width(), opencv_core.CV_8UC3)) {
        m.data().put(bgr);
        imwrite(colour.resolve("masks/" + img.name() + ".png").toString(), m);
      }
    }
    List<io.segvid.trainer.data.LabelledImage> byColour = LabelledImageFolder.load(colour);
    try (SavedModelSegmenter seg = SavedModelSegmenter.open(MODEL, ModelOverrides.NONE, 2)) {
      double fromIds = EvaluateCommand.evaluate(seg, byId, null).confusion().meanIou();
      double fromColours = EvaluateCommand.evaluate(seg, byColour, null).confusion().meanIou();
      assertEquals(fromIds, fromColours, 1e-12);
    }
    for (int n = 0; n < byId.size(); n++) assertArrayEquals(byId.get(n).labels(), byColour.get(n).labels());

    // The command reads one pair at a time; the same scores, and a mask with a colour no class has fails by name.
    String fromIdFolder = evaluateCli(data);
    assertTrue(fromIdFolder.contains("mIoU"), fromIdFolder);
    assertEquals(fromIdFolder.lines().filter(l -> !l.startsWith("ms/frame") && !l.startsWith("compute")).toList(),
        evaluateCli(colour).lines().filter(l -> !l.startsWith("ms/frame") && !l.startsWith("compute")).toList());
    String last = byId.get(byId.size() - 1).name() + ".png";
    try (Mat odd = new Mat(byId.get(0).height(), byId.get(0).width(), opencv_core.CV_8UC3,
        new org.bytedeco.opencv.opencv_core.Scalar(1, 2, 3, 0))) {
      imwrite(colour.resolve("masks/" + last).toString(), odd);
    }
    Cli bad = Cli.run(new EvaluateCommand(), "--model", MODEL.toString(), "--data", colour.toString());
    assertEquals(1, bad.code());
    assertTrue(bad.err().contains(last) && bad.err().contains("3,2,1"), bad.err());
  }

  private static String evaluateCli(Path data) {
    return Cli.printed(() -> {
      Cli r = Cli.run(new EvaluateCommand(), "--model", MODEL.toString(), "--data", data.toString());
      assertEquals(0, r.code(), r.err());
    });
  }

  private static byte[] maskBytes(Path png, int h, int w) {
    org.bytedeco.opencv.opencv_core.Mat m = imread(png.toString(), IMREAD_UNCHANGED);
    try {
      assertEquals(h, m.rows());
      assertEquals(w, m.cols());
      return LabelledImageFolder.bytes(m);
    } finally {
      m.close();
    }
  }

  @Test
  void missingInputFolderIsAnError() {
    Cli r = Cli.run(new SegmentImagesCommand(),
        "--model", MODEL.toString(), "--input", tmp.resolve("nope").toString(), "--output", tmp.resolve("o").toString());
    assertNotEquals(0, r.code());
    assertTrue(r.err().contains("nope") && r.err().strip().lines().count() == 1, r.err());
    assertFalse(Files.exists(tmp.resolve("o")));
  }

  @Test
  void anUnreadableImageIsNamedAndSkippedTheOthersAreStillWritten() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("mixed"));
    Files.copy(images.resolve("frame-b.png"), in.resolve("good.png"));
    Files.write(in.resolve("broken.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3});
    Path out = tmp.resolve("mixed-masks");
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    CommandLine cli = new CommandLine(new SegmentImagesCommand());
    java.io.PrintStream oldErr = System.err;
    int code;
    System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      code = cli.execute("--model", MODEL.toString(), "--input", in.toString(), "--output", out.toString());
    } finally {
      System.setErr(oldErr);
    }
    assertNotEquals(0, code, "a run that skipped an image must not look complete");
    assertTrue(err.toString(java.nio.charset.StandardCharsets.UTF_8).contains("broken.jpg"), err.toString());
    checkMask(out.resolve("good.png"), 299, 401);
    assertFalse(Files.exists(out.resolve("broken.png")));
  }

  @Test
  void twoImagesWithOneBaseNameAreRefused() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("clash"));
    Files.copy(images.resolve("frame-a.jpg"), in.resolve("same.jpg"));
    Files.copy(images.resolve("frame-b.png"), in.resolve("same.png"));
    Cli r = Cli.run(new SegmentImagesCommand(),
        "--model", MODEL.toString(), "--input", in.toString(), "--output", tmp.resolve("clash-out").toString());
    assertNotEquals(0, r.code());
    assertTrue(r.err().contains("two images with the base name same"), r.err());
    assertFalse(Files.exists(tmp.resolve("clash-out")), "nothing written when the input is ambiguous");
  }

  private static void checkMask(Path png, int h, int w) {
    try (Mat m = imread(png.toString(), IMREAD_UNCHANGED)) {
      assertEquals(h, m.rows());
      assertEquals(w, m.cols());
      assertEquals(1, m.channels());
      assertEquals(opencv_core.CV_8U, m.depth());
      byte[] ids = new byte[h * w];
      m.data().get(ids);
      BitSet seen = new BitSet();
      for (byte b : ids) {
        assertTrue((b & 0xff) < 11, "class id out of range: " + (b & 0xff));
        seen.set(b & 0xff);
      }
      assertTrue(seen.cardinality() >= 2, "a street scene has more than one class");
    }
  }
}
