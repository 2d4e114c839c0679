package io.segvid.pipeline.sink;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_NEAREST;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.segvid.inference.ModelMetadata;
import io.segvid.pipeline.ring.FrameSlot;
import io.segvid.pipeline.stage.StreamContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * One single-channel PNG of class ids per frame, at the frame's size, named by frame number
 * (000000.png ...). Each file is written under a temporary name and renamed, so a listed mask is whole.
 */
public final class MaskFolderSink implements FrameSink {

  private final Path dir;
  private final Mat mask = new Mat();
  private final Mat full = new Mat();
  private Size frameSize;
  private final StringBuilder name = new StringBuilder();

  public MaskFolderSink(Path dir) {
    this.dir = dir;
  }

  @Override
  public String describe() {
    return "masks:" + dir;
  }

  @Override
  public void check() throws IOException {
    if (Files.exists(dir) && !Files.isDirectory(dir)) throw new IOException("mask folder " + dir + " is a file");
    if (Files.isDirectory(dir) && !Files.isWritable(dir)) throw new IOException("mask folder " + dir + " is not writable");
    OutputPaths.checkFolderCreatable(dir, "mask folder " + dir);
  }

  @Override
  public void open(StreamContext stream, ModelMetadata metadata) throws IOException {
    Files.createDirectories(dir);
    frameSize = new Size(stream.info().width(), stream.info().height());
  }

  @Override
  public void video(FrameSlot slot) throws IOException {
    mask.create(slot.inputHeight, slot.inputWidth, opencv_core.CV_8UC1);
    mask.data().put(slot.mask, 0, slot.inputHeight * slot.inputWidth);
    resize(mask, full, frameSize, 0, 0, INTER_NEAREST);
    name.setLength(0);
    String index = Long.toString(slot.index);
    for (int i = index.length(); i < 6; i++) name.append('0');
    name.append(index);
    Path target = dir.resolve(name + ".png");
    Path tmp = dir.resolve("." + name + ".tmp.png");
    if (!imwrite(tmp.toString(), full)) throw new IOException("cannot write " + target);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void finish() { }

  @Override
  public void close() {
    mask.close();
    full.close();
    if (frameSize != null) frameSize.close();
  }
}
