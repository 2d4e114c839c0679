package io.segvid.trainer.cli;

import io.segvid.inference.FrameTranslator;
import io.segvid.inference.InputSize;
import io.segvid.inference.ModelMetadata;
import io.segvid.inference.Segmenter;
import io.segvid.trainer.data.LabelledImage;
import io.segvid.trainer.eval.ConfusionMatrix;
import io.segvid.trainer.eval.ScoresByVideo;
import java.util.Arrays;

/**
 * One model's scores over labelled images, fed one image at a time, so that several models can take
 * turns on each image (compare) as well as one going through a folder (evaluate). The model runs at
 * its input size; the mask is scored at the image's size.
 */
final class ModelScorer {

  private final Segmenter segmenter;
  private final ScoresByVideo byVideo;
  private final int numClasses;
  private final int ignoreId;
  private long[] modelNanos = new long[64];
  private int images;
  private InputSize firstSize;

  ModelScorer(Segmenter segmenter, Integer ignoreId) {
    this.segmenter = segmenter;
    this.numClasses = segmenter.metadata().numClasses();
    this.ignoreId = EvaluateCommand.ignoreIdOf(segmenter.metadata(), ignoreId);
    this.byVideo = new ScoresByVideo(numClasses, this.ignoreId);
  }

  void score(LabelledImage img) {
    ModelMetadata meta = segmenter.metadata();
    InputSize size = InputSize.forFrame(img.height(), img.width(), meta);
    if (firstSize == null) firstSize = size;
    byte[] in = FrameTranslator.imageInput(img.rgb(), img.height(), img.width(), size);
    byte[][] masks = {new byte[size.pixels()]};
    long t0 = System.nanoTime();
    segmenter.segment(new byte[][] {in}, 1, size.height(), size.width(), masks);
    if (images == modelNanos.length) modelNanos = Arrays.copyOf(modelNanos, images * 2);
    modelNanos[images++] = System.nanoTime() - t0;
    byVideo.add(img.name(), img.labels(), FrameTranslator.imageMask(masks[0], size, img.height(), img.width()));
  }

  EvaluateCommand.Evaluation result() {
    ConfusionMatrix total = new ConfusionMatrix(numClasses, ignoreId);
    for (String video : byVideo.names()) total.addAll(byVideo.video(video).confusion());  // the total: every video's counts
    // The first frames include TensorFlow's one-off graph optimisation: leave them out of the timing.
    long[] steady = images > 3 ? Arrays.copyOfRange(modelNanos, 2, images) : Arrays.copyOf(modelNanos, images);
    Arrays.sort(steady);
    double mean = Arrays.stream(steady).average().orElse(0) / 1e6;
    double median = steady.length == 0 ? 0 : steady[steady.length / 2] / 1e6;
    return new EvaluateCommand.Evaluation(segmenter.metadata(), total, byVideo, mean, median, firstSize, images);
  }
}
