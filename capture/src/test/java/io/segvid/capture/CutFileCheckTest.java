package io.segvid.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.segvid.testkit.Media;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a file's packets, without decoding, finds where a cut copy ends. */
class CutFileCheckTest {

  @TempDir
  Path tmp;

  @Test
  void aCutCopyIsFoundShortAndTheWholeFileIsNot() throws Exception {
    assertNull(CutFileCheck.shortfall(Media.VIDEO), "the whole sample");
    Path cut = Media.cutCopyOfVideo(tmp.resolve("cut.mp4"));
    String why = CutFileCheck.shortfall(cut);
    assertEquals(true, why != null && why.matches("it ends at [1-4]\\.\\d s of the 8\\.8 s its header gives: .*"), why);
  }

  @Test
  void aFileThatCannotBeReadIsLeftToTheRealOpenToName() throws Exception {
    Path junk = Files.writeString(tmp.resolve("junk.mp4"), "not a video");
    assertNull(CutFileCheck.shortfall(junk));
    assertNull(CutFileCheck.shortfall(tmp.resolve("missing.mp4")));
  }
}
