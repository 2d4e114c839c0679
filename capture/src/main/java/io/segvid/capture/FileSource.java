package io.segvid.capture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A video file. Checked before FFmpeg sees it, so the common mistakes get a plain message. */
public final class FileSource extends FfmpegSource {

  private final Path file;

  public FileSource(Path file) {
    super(file.toString(), null, Map.of(), file.toString(), false);
    this.file = file;
  }

  @Override
  public SourceInfo open() throws SourceException {
    if (!Files.exists(file)) throw new SourceException("video file " + file + " does not exist");
    if (Files.isDirectory(file)) throw new SourceException(file + " is a folder, not a video file "
        + "(for a folder of images: segvid segment-images --input " + file + " --output MASKS)");
    if (!Files.isReadable(file)) throw new SourceException("video file " + file + " is not readable (permission denied)");
    try {
      if (Files.size(file) == 0) throw new SourceException("video file " + file + " is empty");
    } catch (java.io.IOException e) {
      throw new SourceException("cannot read " + file + ": " + e.getMessage());
    }
    SourceInfo info;
    try {
      info = super.open();
    } catch (SourceException e) {
      throw new SourceException(file + " is not a video FFmpeg can read (" + e.getMessage().replaceFirst("^cannot open [^:]*: ", "") + ")");
    }
    return info;
  }
}
