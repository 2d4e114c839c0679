package io.segvid.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class VideoStemsTest {
  @Test
  void theStemIsTheNameWithoutItsFrameNumber() {
    assertEquals("0016E5", VideoStems.stem("0016E5_07959"));
    assertEquals("Seq05VD", VideoStems.stem("Seq05VD_f00000"));
    assertEquals("0006R0", VideoStems.stem("0006R0_f01140"));
    assertEquals("clip_b", VideoStems.stem("clip_b0001"));
    assertEquals("frame", VideoStems.stem("frame123"));
    assertEquals("cam 2", VideoStems.stem("cam 2 - 0041"));
    assertEquals("img_001", VideoStems.stem("img_001_002"));
    assertNull(VideoStems.stem("000123"), "a bare number names no video");
    assertNull(VideoStems.stem("kitchen"), "no frame number");
    assertNull(VideoStems.stem("_f01"), "nothing names the video");
  }

  @Test
  void countsTheStemsBothSetsCarry() {
    List<String> train = List.of("0001TP_006690", "0001TP_006720", "0016E5_00390", "0016E5_00420", "0016E5_00450", "17");
    List<String> val = List.of("0016E5_07959", "0016E5_07961", "Seq05VD_f00000", "18");
    assertEquals(List.of(new VideoStems.Shared("0016E5", 3, 2)), VideoStems.shared(train, val));
    assertEquals(List.of(), VideoStems.shared(train, List.of("Seq05VD_f00000", "Seq05VD_f00030")));
  }
}
