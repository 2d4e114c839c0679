package io.segvid.cli.bench;

import io.segvid.config.PipelineConfig;
import io.segvid.inference.InputSize;
import io.segvid.inference.Segmenter;
import io.segvid.output.RecordingSink;
import io.segvid.inference.FrameTranslator;
import io.segvid.render.FrameRenderer;
import io.segvid.render.Palette;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/** What a user would write first: one thread, one frame at a time, no ring. */
record SequentialBench(PipelineConfig config, Path video, Benchmark.Models models, Path work) {

  /** What a user would write first: one thread, one frame at a time, no ring. */
  double run() throws Exception {
    Path out = work.resolve("sequential.mkv");
    try (Segmenter model = models.open();
         FFmpegFrameGrabber g = new FFmpegFrameGrabber(video.toString());
         OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat();
         OpenCVFrameConverter.ToMat outConv = new OpenCVFrameConverter.ToMat();
         Palette palette = new Palette(model.metadata().classes());
         FrameRenderer renderer = new FrameRenderer(palette, model.metadata(), config.render());
         Mat rendered = new Mat()) {
      g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
      g.start();
      InputSize size = InputSize.forFrame(g.getImageHeight(), g.getImageWidth(), model.metadata());
      byte[][] in = {new byte[size.pixels() * 3]};
      byte[][] mask = {new byte[size.pixels()]};
      model.segment(in, 1, size.height(), size.width(), mask);  // warm-up, as for the others
      try (FrameTranslator translator = new FrameTranslator(size, g.getImageHeight(), g.getImageWidth());
           FFmpegFrameRecorder rec = new FFmpegFrameRecorder(out.toString(), g.getImageWidth(), g.getImageHeight(), 0)) {
        rec.setFormat("matroska");
        rec.setFrameRate(g.getFrameRate());
        rec.setVideoCodec(RecordingSink.codecId(config.recording().codec()));
        rec.setPixelFormat(RecordingSink.pixelFormat(config.recording().codec()));
        rec.setVideoBitrate((int) (g.getImageWidth() * (long) g.getImageHeight() * g.getFrameRate() * 0.12));
        rec.start();
        long t0 = System.nanoTime();
        int n = 0;
        Frame f;
        while ((f = g.grabImage()) != null) {
          Mat frame = conv.convert(f);
          translator.toInput(frame, in[0]);
          model.segment(in, 1, size.height(), size.width(), mask);
          long now = System.nanoTime();
          renderer.render(frame, mask[0], size.height(), size.width(), rendered, now, 0);
          rec.record(outConv.convert(rendered), avutil.AV_PIX_FMT_BGR24);
          n++;
        }
        rec.stop();
        return n / ((System.nanoTime() - t0) / 1e9);
      }
    }
  }
}
