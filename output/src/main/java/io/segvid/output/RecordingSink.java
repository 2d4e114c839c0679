package io.segvid.output;

import io.segvid.config.RecordingConfig;
import io.segvid.inference.ModelMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Records the rendered video (and the source's audio) to a file. Crash-safe containers only: MP4/MOV
 * are written fragmented (a fragment per keyframe, packets flushed as written), MKV and MPEG-TS are
 * streamable by design, so the file under its final name plays at any moment up to about its last
 * GOP, even after SIGKILL. Every frame is recorded once, in order; the source timestamp is used when
 * it moves forward, otherwise the frame takes the next slot (awkward time bases, missing or
 * non-monotonic timestamps).
 */
public final class RecordingSink implements FrameSink {

  private final Path file;
  private final RecordingConfig config;
  private final String format;
  private FfmpegWriter writer;
  private final RenderedViews views = new RenderedViews();
  private boolean audio;
  private boolean failed;

  public RecordingSink(Path file, RecordingConfig config) {
    this.file = file;
    this.config = config;
    this.format = formatFor(file);
  }

  static String formatFor(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1);
    return switch (ext) {
      case "mp4", "m4v" -> "mp4";
      case "mov" -> "mov";
      case "mkv" -> "matroska";
      case "ts" -> "mpegts";
      default -> throw new IllegalArgumentException("cannot record to '" + file
          + "': use a .mp4, .mkv, .mov or .ts file name (the container follows the extension)");
    };
  }

  /** FFmpeg codec id of a recording.codec value. */
  public static int codecId(String codec) {
    return switch (codec) {
      case "mpeg4" -> avcodec.AV_CODEC_ID_MPEG4;
      case "mjpeg" -> avcodec.AV_CODEC_ID_MJPEG;
      default -> avcodec.AV_CODEC_ID_H264;
    };
  }

  /** Pixel format the codec is given: MJPEG only accepts full-range YUV without a strictness override. */
  public static int pixelFormat(String codec) {
    return codec.equals("mjpeg") ? avutil.AV_PIX_FMT_YUVJ420P : avutil.AV_PIX_FMT_YUV420P;
  }

  @Override
  public String describe() {
    return "file:" + file;
  }

  @Override
  public void check() throws IOException {
    OutputPaths.checkFile(file, "recording");
  }

  @Override
  public void open(SinkContext stream, ModelMetadata metadata) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    audio = config.audio() && stream.info().hasAudio();
    double fps = stream.info().frameRate();
    int width = stream.info().width();
    int height = stream.info().height();
    long bitrate = config.bitrateKbps() > 0 ? config.bitrateKbps() * 1000L
        : (long) Math.min(50_000_000, width * (long) height * fps * 0.12);
    Map<String, String> options = new LinkedHashMap<>();
    if (format.equals("mp4") || format.equals("mov")) {
      options.put("movflags", "frag_keyframe+empty_moov+default_base_moof");
      // The AAC encoder's priming starts audio before 0; without this the fragmented muxer shifts
      // every video frame after the first by that amount.
      options.put("avoid_negative_ts", "make_non_negative");
    }
    options.put("flush_packets", "1");
    FfmpegWriter w = new FfmpegWriter(file.toString(), new EncoderSettings(format, width, height, fps,
        codecId(config.codec()), pixelFormat(config.codec()), Math.max(1, (int) Math.round(fps * config.gopSeconds())),
        bitrate, audio ? stream.info().audioChannels() : 0, audio ? stream.info().sampleRate() : 0, options));
    try {
      w.start();
    } catch (IOException | RuntimeException e) {
      w.close();
      Files.deleteIfExists(file);
      throw new IOException("cannot record to " + file + ": " + e.getMessage());
    }
    writer = w;
  }

  @Override
  public void video(RenderedFrame frame) throws IOException {
    try {
      writer.video(views.data(frame.rendered()), frame.rendered().cols() * 3, frame.timestampMicros());  // created continuous
    } catch (IOException e) {
      throw failure("recording to " + file + " failed: " + e.getMessage());
    }
  }

  @Override
  public void audio(RenderedFrame frame) throws IOException {
    if (!audio || frame.audioSamples() == 0) return;
    try {
      writer.audio(frame.audio(), 0, frame.audioSamples());
    } catch (IOException e) {
      throw failure("recording audio to " + file + " failed: " + e.getMessage());
    }
  }

  @Override
  public void finish() throws IOException {
    if (writer == null) return;
    try {
      writer.finish();
    } catch (IOException e) {
      throw failure("finishing " + file + " failed: " + e.getMessage());
    }
  }

  /**
   * A recording that failed part-way (disk full, device gone) must not keep the name of a finished
   * one: {@link #close()} moves it to NAME.partial.EXT, where it still plays up to the failure.
   */
  private IOException failure(String message) {
    failed = true;
    return new IOException(message + "; what was written is kept in " + partialFile().getFileName());
  }

  Path partialFile() {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return file.resolveSibling(name.substring(0, dot) + ".partial" + name.substring(dot));
  }

  @Override
  public void close() {
    views.close();
    if (writer != null) {
      writer.close();
      writer = null;
      if (failed) {
        try {
          Files.move(file, partialFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
          System.err.println("segvid: could not rename the failed recording " + file + ": " + e.getMessage());
        }
      }
    }
  }
}
