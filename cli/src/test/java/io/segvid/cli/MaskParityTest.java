package io.segvid.cli;

import io.segvid.testkit.Media;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.inference.ModelOverrides;
import io.segvid.inference.FrameTranslator;
import io.segvid.inference.SavedModelSegmenter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline's masks (batched, two batches in flight, its own decoder and preprocessing) are the
 * model's output on the same frames computed the plain way: JavaCV decodes, the frame is resized to
 * the model's input in RGB, the model runs one frame at a time, the mask is scaled back to the frame
 * with nearest neighbour. Catches channel order, resize and mask-scaling mistakes.
 */
class MaskParityTest {

  @TempDir
  Path tmp;

  @Test
  void pipelineMasksEqualTheModelsOutputOnTheSameFrames() throws Exception {
    Path masks = tmp.resolve("masks");
    StringWriter err = new StringWriter();
    int code = Segvid.execute(new PrintWriter(err, true), "run", "--source", Media.VIDEO.toString(), "--model",
        Media.MODEL.toString(), "--sink", "masks:" + masks, "--no-progress");
    assertEquals(0, code, err.toString());

    long pixels = 0;
    long same = 0;
    int compared = 0;
    try (SavedModelSegmenter model = SavedModelSegmenter.open(Media.MODEL, ModelOverrides.NONE, 2);
         FFmpegFrameGrabber g = new FFmpegFrameGrabber(Media.VIDEO.toString());
         OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat()) {
      g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
      g.start();
      int h = g.getImageHeight();
      int w = g.getImageWidth();
      byte[] rgb = new byte[h * w * 3];
      for (int index = 0; index < 12; index++) {
        Frame f = g.grabImage();
        Mat bgr = conv.convert(f);
        UByteIndexer ix = bgr.createIndexer();
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            for (int c = 0; c < 3; c++) rgb[(y * w + x) * 3 + c] = (byte) ix.get(y, x, 2 - c);
          }
        }
        ix.close();
        if (index % 4 != 0) continue;  // a few frames spread over the clip are enough
        byte[] expected = FrameTranslator.segmentImage(model, rgb, h, w);
        Mat png = imread(masks.resolve(String.format("%06d.png", index)).toString(), IMREAD_UNCHANGED);
        assertEquals(h, png.rows());
        assertEquals(w, png.cols());
        UByteIndexer m = png.createIndexer();
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) if ((byte) m.get(y, x) == expected[y * w + x]) same++;
        }
        m.close();
        png.close();
        pixels += (long) h * w;
        compared++;
      }
    }
    assertEquals(3, compared);
    double agreement = (double) same / pixels;
    assertTrue(agreement > 0.999, "pipeline masks agree with the model on " + agreement + " of pixels");
  }
}
