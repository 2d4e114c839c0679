package io.segvid.trainer;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.inference.FrameTranslator;
import io.segvid.inference.ModelOverrides;
import io.segvid.inference.SavedModelSegmenter;
import io.segvid.trainer.data.LabelledImageFolder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/**
 * What a new user sees first: the shipped default model on the demo's highway, a road it never trained on.
 * The sky must read as sky and nothing above the horizon as road. Session 43's all-data 400-epoch retrain
 * was ahead on every labelled frame it trained on and still read blotches of this blue sky as road in a
 * third of the frames; this guards the default against such a swap (it fails with that model).
 */
class ShippedModelOnHighwayTest {

  static final Path MODEL = Path.of(System.getProperty("segvid.highwayModel", "../samples/models/camvid"));
  static final Path VIDEO = Path.of("../samples/video/highway-960x540.mp4");
  static final int SKY = 0;
  static final int ROAD = 3;
  static final int EVERY_NTH_FRAME = 5;
  /** The picture's top 35 %: sky, trees and a gantry sign on this highway, no road anywhere. */
  static final double TOP = 0.35;

  record Shares(int frame, double skyInTop, double roadInTop, double roadInBottom) { }

  @Test
  void skyIsSkyAndNothingAboveTheHorizonIsRoad() throws Exception {
    List<Shares> frames = segmentHighway();
    assertTrue(frames.size() >= 40, "frames read: " + frames.size());
    List<String> bad = new ArrayList<>();
    for (Shares s : frames) {
      // The shipped model: sky >= 73 % of the top in every frame, road <= 0.6 % (session 43); the rejected
      // retrain: road up to 11 %, over 2 % in 5 of these 45 frames. 2 % leaves room for bfloat16 math.
      if (s.skyInTop() < 0.6 || s.roadInTop() > 0.02 || s.roadInBottom() < 0.5) {
        bad.add(String.format(Locale.ROOT, "frame %d: top sky %.1f %%, top road %.2f %%, bottom road %.1f %%",
            s.frame(), 100 * s.skyInTop(), 100 * s.roadInTop(), 100 * s.roadInBottom()));
      }
    }
    assertTrue(bad.isEmpty(), MODEL + " on the highway: " + bad.size() + " of " + frames.size() + " frames wrong: " + bad);
  }

  /** Every fifth frame through the model at its preferred size, as `run` feeds it; class shares per region. */
  private static List<Shares> segmentHighway() throws Exception {
    List<Shares> out = new ArrayList<>();
    try (SavedModelSegmenter model = SavedModelSegmenter.open(MODEL, ModelOverrides.NONE, 2);
         FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(VIDEO.toString());
         OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
         Mat rgb = new Mat()) {
      grabber.start();
      Frame frame;
      for (int index = 0; (frame = grabber.grabImage()) != null; index++) {
        if (index % EVERY_NTH_FRAME != 0) continue;
        cvtColor(converter.convert(frame), rgb, COLOR_BGR2RGB);
        int h = rgb.rows();
        int w = rgb.cols();
        byte[] ids = FrameTranslator.segmentImage(model, LabelledImageFolder.bytes(rgb), h, w);
        int topRows = (int) (h * TOP);
        int bottomFrom = h - h / 4;  // the nearest quarter: the lanes ahead
        out.add(new Shares(index, share(ids, w, 0, topRows, SKY), share(ids, w, 0, topRows, ROAD),
            share(ids, w, bottomFrom, h, ROAD)));
      }
    }
    return out;
  }

  private static double share(byte[] ids, int width, int fromRow, int toRow, int cls) {
    long n = 0;
    for (int i = fromRow * width; i < toRow * width; i++) {
      if ((ids[i] & 0xff) == cls) n++;
    }
    return (double) n / ((long) (toRow - fromRow) * width);
  }
}
