package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.segvid.trainer.cli.TrainCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mistyped --data is named as such, not as the classes.csv or the images/ and masks/ it would have held. */
class DataFolderErrorsTest {

  @TempDir
  Path tmp;

  @Test
  void aMissingOrNonFolderDataPathIsNamed() throws Exception {
    Path missing = tmp.resolve("nosuch");
    Cli r = Cli.run(new TrainCommand(), "--data", missing.toString(), "--out", tmp.resolve("run").toString());
    assertEquals(1, r.code());
    assertEquals("data folder " + missing + " does not exist", r.err().strip());

    Path file = Files.writeString(tmp.resolve("frames.zip"), "not a folder");
    Cli f = Cli.run(new TrainCommand(), "--data", file.toString(), "--out", tmp.resolve("run").toString());
    assertEquals(file + " is not a folder (it should hold images/ and masks/)", f.err().strip());

    Cli e = Cli.run(new io.segvid.trainer.cli.EvaluateCommand(), "--data", missing.toString());
    assertEquals("data folder " + missing + " does not exist", e.err().strip());
  }
}
