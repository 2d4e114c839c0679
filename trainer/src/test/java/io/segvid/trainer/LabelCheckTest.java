package io.segvid.trainer;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.trainer.cli.TrainCommand;
import io.segvid.trainer.data.LabelCheck;
import io.segvid.trainer.data.LabelledImage;
import io.segvid.trainer.data.LabelledImageFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Masks with ids the model has no class for are refused by name before any training starts. */
class LabelCheckTest {

  @TempDir
  Path tmp;

  @Test
  void idsOutsideTheClassesAreRefusedNamingTheMask() throws Exception {
    Path data = writeSet(tmp.resolve("data"), 7);
    List<LabelledImage> set = LabelledImageFolder.load(data);
    IOException e = assertThrows(IOException.class, () -> LabelCheck.requireKnownIds(set, 3, 255, "data"));
    assertTrue(e.getMessage().contains("b") && e.getMessage().contains("class id 7"), e.getMessage());
    LabelCheck.requireKnownIds(set, 8, 255, "data");  // with 8 classes, 7 is fine
    assertEquals(0.25, LabelCheck.ignoredShare(set, 255), 1e-9);
  }

  @Test
  void trainRefusesSuchDataAndCreatesNoRun() throws Exception {
    Path data = writeSet(tmp.resolve("data"), 7);
    Path out = tmp.resolve("run");
    Cli r = Cli.run(new TrainCommand(), "--data", data.toString(), "--out", out.toString(),
        "--num-classes", "3", "--epochs", "1", "--batch", "2", "--crop", "32x32");
    assertNotEquals(0, r.code());
    assertTrue(r.err().contains("class id 7"), r.err());
    assertFalse(Files.exists(out));
  }

  /** Two 64x48 images: masks 0 / 1 / 2 / 255 in quarters; the second mask's last quarter uses {@code oddId}. */
  private static Path writeSet(Path dir, int oddId) throws IOException {
    Files.createDirectories(dir.resolve("images"));
    Files.createDirectories(dir.resolve("masks"));
    String[] names = {"a", "b"};
    for (int n = 0; n < names.length; n++) {
      try (Mat img = new Mat(48, 64, opencv_core.CV_8UC3, new Scalar(40 * n, 90, 160, 0));
           Mat mask = new Mat(48, 64, opencv_core.CV_8UC1, new Scalar(0))) {
        int[] ids = {0, 1, 255, n == 1 ? oddId : 2};
        for (int q = 0; q < 4; q++) {
          try (Mat band = mask.rowRange(q * 12, q * 12 + 12)) {
            band.put(new Scalar(ids[q]));
          }
        }
        imwrite(dir.resolve("images/" + names[n] + ".jpg").toString(), img);
        imwrite(dir.resolve("masks/" + names[n] + ".png").toString(), mask);
      }
    }
    return dir;
  }
}
