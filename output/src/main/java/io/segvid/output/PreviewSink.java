package io.segvid.output;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import io.segvid.inference.ModelMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Saves one rendered frame as an image: frame N if given (preview:FILE.png@N), else the middle frame of a file. */
public final class PreviewSink implements FrameSink {

  private final Path file;
  private final long requestedIndex;
  private long target;
  private boolean written;

  public PreviewSink(Path file, long requestedIndex) {
    this.file = file;
    this.requestedIndex = requestedIndex;
  }

  @Override
  public String describe() {
    return "preview:" + file;
  }

  @Override
  public void check() throws IOException {
    OutputPaths.checkFile(file, "preview image");
  }

  @Override
  public void open(SinkContext stream, ModelMetadata metadata) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    target = requestedIndex >= 0 ? requestedIndex : stream.info().estimatedFrames() / 2;
  }

  @Override
  public void video(RenderedFrame frame) throws IOException {
    if (written || frame.index() < target) return;
    Path tmp = file.resolveSibling(".tmp-" + file.getFileName());
    if (!imwrite(tmp.toString(), frame.rendered())) throw new IOException("cannot write preview " + file);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    written = true;
  }


  @Override
  public void finish() { }

  @Override
  public void close() { }
}
