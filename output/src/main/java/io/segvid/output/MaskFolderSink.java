package io.segvid.output;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import io.segvid.inference.FrameTranslator;
import io.segvid.inference.ModelMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * One single-channel PNG of class ids per frame, at the frame's size, named by frame number
 * (000000.png ...). Each file is written under a temporary name and renamed, so a listed mask is whole.
 */
public final class MaskFolderSink implements FrameSink {

  private final Path dir;
  private FrameTranslator translator;
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
  public void open(SinkContext stream, ModelMetadata metadata) throws IOException {
    Files.createDirectories(dir);
    translator = FrameTranslator.forFrame(stream.info().height(), stream.info().width(), metadata);
  }

  @Override
  public void video(RenderedFrame frame) throws IOException {
    if (frame.maskHeight() != translator.inputSize().height() || frame.maskWidth() != translator.inputSize().width()) {
      throw new IOException("mask is " + frame.maskHeight() + "x" + frame.maskWidth() + ", expected the model input size "
          + translator.inputSize().height() + "x" + translator.inputSize().width());
    }
    name.setLength(0);
    String index = Long.toString(frame.index());
    for (int i = index.length(); i < 6; i++) name.append('0');
    name.append(index);
    Path target = dir.resolve(name + ".png");
    Path tmp = dir.resolve("." + name + ".tmp.png");
    if (!imwrite(tmp.toString(), translator.toFrameMask(frame.mask()))) throw new IOException("cannot write " + target);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void finish() { }

  @Override
  public void close() {
    if (translator != null) translator.close();
  }
}
