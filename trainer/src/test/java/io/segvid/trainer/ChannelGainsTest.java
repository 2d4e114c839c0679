package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.segvid.inference.ModelOverrides;
import io.segvid.inference.SavedModelSegmenter;
import io.segvid.trainer.cli.EvaluateCommand;
import io.segvid.trainer.data.ChannelGains;
import io.segvid.trainer.data.LabelledImage;
import io.segvid.trainer.data.LabelledImageFolder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** evaluate --channel-gains: images re-coloured as another camera's white balance would, labels untouched. */
class ChannelGainsTest {

  @Test
  void gainsScaleEachChannelAndClipWithoutTouchingLabelsOrTheOriginal() {
    byte[] rgb = {100, 100, 100, (byte) 250, (byte) 250, (byte) 250};
    byte[] labels = {1, 2};
    LabelledImage image = new LabelledImage("x", 1, 2, rgb, labels);
    LabelledImage warm = ChannelGains.parse("1.1, 1, 0.5").applyTo(image);
    assertEquals(List.of(110, 100, 50, 255, 250, 125), unsigned(warm.rgb()));
    assertSame(labels, warm.labels());
    assertEquals(100, image.rgb()[0]);
    assertThrows(IllegalArgumentException.class, () -> ChannelGains.parse("1,2"));
    assertThrows(IllegalArgumentException.class, () -> ChannelGains.parse("1,0,1"));
  }

  @Test
  void theShippedModelIsScoredOnRecolouredFrames() throws Exception {
    List<LabelledImage> frames = LabelledImageFolder.load(ServingGraphTest.FRAMES);
    try (SavedModelSegmenter model = SavedModelSegmenter.open(ServingGraphTest.MODEL, ModelOverrides.NONE, 2)) {
      double plain = EvaluateCommand.evaluate(model, frames, null).confusion().meanIou();
      double same = EvaluateCommand.evaluate(model, frames.stream().map(ChannelGains.NONE::applyTo).toList(), null)
          .confusion().meanIou();
      double warm = EvaluateCommand.evaluate(model, frames.stream().map(new ChannelGains(1.12f, 1f, 0.7f)::applyTo).toList(), null)
          .confusion().meanIou();
      assertEquals(plain, same, 1e-12);
      assertNotEquals(plain, warm, "a strongly warm picture must change what the model sees");
    }
    Cli bad = Cli.run(new EvaluateCommand(), "--data", ServingGraphTest.FRAMES.toString(), "--model", ServingGraphTest.MODEL.toString(),
        "--channel-gains", "warm");
    assertEquals(1, bad.code());
    assertEquals("--channel-gains must be three numbers R,G,B (e.g. 1.06,1,0.85), got warm", bad.err().strip());
  }

  private static List<Integer> unsigned(byte[] b) {
    List<Integer> out = new ArrayList<>();
    for (byte v : b) out.add(v & 0xff);
    return out;
  }
}
