package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.inference.ModelMetadata;
import io.segvid.inference.ModelOverrides;
import io.segvid.inference.SavedModelSegmenter;
import io.segvid.trainer.cli.OptimizeCommand;
import io.segvid.trainer.data.LabelledImage;
import io.segvid.trainer.data.LabelledImageFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** segvid optimize rebuilds a segvid model's serving graph: same metadata, same classes, no batch-norm op. */
class OptimizeCommandTest {

  @TempDir
  Path tmp;

  @Test
  void rebuildsTheShippedModelWithTheSameOutputs() throws Exception {
    Path out = tmp.resolve("optimized");
    Cli r = Cli.run(new OptimizeCommand(), ServingGraphTest.MODEL.toString(), out.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(ModelMetadata.read(ServingGraphTest.MODEL), ModelMetadata.read(out));
    assertEquals(Set.of(), ServingGraphTest.forbiddenOpsOnServingPath(out));
    LabelledImage frame = LabelledImageFolder.load(ServingGraphTest.FRAMES).get(0);
    assertArrayEquals(classes(ServingGraphTest.MODEL, frame), classes(out, frame));
  }

  @Test
  void aFolderThatIsNotASegvidModelIsOneLine() throws Exception {
    Path notModel = Files.createDirectories(tmp.resolve("empty"));
    Cli r = Cli.run(new OptimizeCommand(), notModel.toString(), tmp.resolve("o").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("is not a SavedModel") && r.err().strip().lines().count() == 1, r.err());
    assertTrue(!Files.exists(tmp.resolve("o")));
  }

  private static byte[] classes(Path model, LabelledImage f) throws Exception {
    try (SavedModelSegmenter s = SavedModelSegmenter.open(model, ModelOverrides.NONE, 2)) {
      byte[][] masks = {new byte[f.height() * f.width()]};
      s.segment(new byte[][] {f.rgb()}, 1, f.height(), f.width(), masks);
      return masks[0];
    }
  }
}
