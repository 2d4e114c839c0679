package io.segvid.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScoresByVideoTest {
  @Test
  void eachVideoCountsOnlyItsOwnFrames() {
    byte[] truth = {0, 0, 1, 1};
    byte[] allRight = {0, 0, 1, 1};
    byte[] halfWrong = {0, 1, 0, 1};
    ScoresByVideo byVideo = new ScoresByVideo(2, 255);
    byVideo.add("street_0001", truth, allRight);
    byVideo.add("street_0002", truth, allRight);
    byVideo.add("tunnel-17", truth, halfWrong);
    byVideo.add("0042", truth, halfWrong);

    assertEquals(List.of(ScoresByVideo.UNNAMED, "street", "tunnel"), byVideo.names());
    assertEquals(2, byVideo.video("street").images());
    assertEquals(1.0, byVideo.video("street").confusion().meanIou(), 1e-12);
    ConfusionMatrix tunnel = new ConfusionMatrix(2, 255);
    tunnel.add(truth, halfWrong);
    assertEquals(tunnel.meanIou(), byVideo.video("tunnel").confusion().meanIou(), 1e-12);
    assertEquals(1, byVideo.video(ScoresByVideo.UNNAMED).images());
  }
}
