package io.segvid.trainer.cli;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import io.segvid.inference.FrameTranslator;
import io.segvid.inference.SavedModelSegmenter;
import io.segvid.inference.Segmenter;
import io.segvid.trainer.data.LabelledImageFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code segvid segment-images}: one 8-bit PNG of class ids per input image, same base name, original size. */
@Command(name = "segment-images", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Write one single-channel PNG of class ids per image, at the image's original size.")
public final class SegmentImagesCommand implements Callable<Integer> {

  @Mixin ModelOptions modelOptions;
  @Option(names = "--input", required = true, description = "Folder of images (jpg, png, bmp, tif, webp).")
  Path input;
  @Option(names = "--output", required = true, description = "Folder for the masks (created if missing).")
  Path output;

  @Override
  public Integer call() throws IOException {
    if (!Files.isDirectory(input)) throw new IOException("input folder " + input + " does not exist");
    Map<String, Path> images = LabelledImageFolder.byBaseName(input);
    if (images.isEmpty()) throw new IOException("no images in " + input);
    try (Segmenter segmenter = SavedModelSegmenter.open(modelOptions.modelPath(), modelOptions.overrides(), modelOptions.threads(),
        modelOptions.testTimeAugmentation())) {
      Files.createDirectories(output);
      if (!Files.isWritable(output)) throw new IOException("output folder " + output + " is not writable");
      // One unreadable image must not cost the masks of the others: skip it, name it, fail at the end.
      List<String> unreadable = new ArrayList<>();
      try (ProgressBar bar = new ProgressBarBuilder().setTaskName("segment").setInitialMax(images.size())
          .setStyle(ProgressBarStyle.ASCII).build()) {
        for (Map.Entry<String, Path> e : images.entrySet()) {
          Mask mask;
          try {
            mask = segment(segmenter, e.getValue());
          } catch (IOException ex) {
            unreadable.add(ex.getMessage());
            bar.step();
            continue;
          }
          writeMask(output.resolve(e.getKey() + ".png"), mask);
          bar.step();
        }
      }
      unreadable.forEach(line -> System.err.println("segvid segment-images: " + line));
      System.out.printf(Locale.ROOT, "%d masks written to %s%n", images.size() - unreadable.size(), output);
      if (!unreadable.isEmpty()) {
        throw new IOException(unreadable.size() + " of " + images.size() + " images could not be read (listed above)");
      }
    }
    return 0;
  }

  /** The class-id mask of one image file at the file's own size. */
  static Mask segment(Segmenter segmenter, Path file) throws IOException {
    int[] hw = new int[2];
    byte[] rgb = LabelledImageFolder.readRgb(file, hw);
    return segment(segmenter, rgb, hw[0], hw[1]);
  }

  static Mask segment(Segmenter segmenter, byte[] rgb, int h, int w) {
    return new Mask(h, w, FrameTranslator.segmentImage(segmenter, rgb, h, w));
  }

  /** A class-id mask, row-major. */
  record Mask(int height, int width, byte[] ids) { }

  private static void writeMask(Path file, Mask mask) throws IOException {
    Path tmp = file.resolveSibling(".tmp-" + file.getFileName());
    try (BytePointer data = new BytePointer(mask.ids());
         Mat m = new Mat(mask.height(), mask.width(), opencv_core.CV_8UC1, data)) {
      if (!imwrite(tmp.toString(), m)) throw new IOException("cannot write " + file);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
