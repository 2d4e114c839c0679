package io.segvid.capture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.javacv.Frame;

/** A video file. Checked before FFmpeg sees it, so the common mistakes get a plain message. */
public final class FileSource extends FfmpegSource {

  private final Path file;

  public FileSource(Path file) {
    super(file.toString(), null, Map.of(), file.toString(), false);
    this.file = file;
  }

  @Override
  public SourceInfo open() throws SourceException {
    openAndCheck();
    return super.open();  // from the start again: the check consumed the first frames
  }

  /**
   * What is wrong with {@code file} as a video, as one plain line; for sources that hand it to FFmpeg
   * another way (a looped file goes through a filter graph, whose errors name nothing).
   */
  public static void check(Path file) throws SourceException {
    try (FileSource source = new FileSource(file)) {
      source.openAndCheck();
    }
  }

  private void openAndCheck() throws SourceException {
    if (!Files.exists(file)) throw new SourceException("video file " + file + " does not exist");
    if (Files.isDirectory(file)) throw new SourceException(file + " is a folder, not a video file "
        + "(for a folder of images: segvid segment-images --input " + file + " --output MASKS)");
    if (!Files.isReadable(file)) throw new SourceException("video file " + file + " is not readable (permission denied)");
    try {
      if (Files.size(file) == 0) throw new SourceException("video file " + file + " is empty");
    } catch (java.io.IOException e) {
      throw new SourceException("cannot read " + file + ": " + e.getMessage());
    }
    try {
      super.open();
    } catch (SourceException e) {
      throw new SourceException(file + " is not a video FFmpeg can read (" + e.getMessage().replaceFirst("^cannot open [^:]*: ", "") + ")");
    }
    String none = firstPictureProblem();
    if (none != null) {
      close();
      throw new SourceException("video file " + file + " holds no picture that decodes (" + none + ")");
    }
  }

  /**
   * Why no picture decodes, or null once one does. A file cut off just after its header opens like a
   * whole one; found here, it fails before any output exists instead of leaving an empty recording.
   */
  private String firstPictureProblem() {
    try {
      for (Frame f = grab(); f != null; f = grab()) if (f.image != null) return null;
      return "it ends before its first picture";
    } catch (SourceException e) {
      return e.getMessage().replaceFirst("^reading [^:]* failed: ", "");
    }
  }
}
