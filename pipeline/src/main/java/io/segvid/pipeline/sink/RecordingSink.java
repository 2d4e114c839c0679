package io.segvid.pipeline.sink;

import io.segvid.config.RecordingConfig;
import io.segvid.inference.ModelMetadata;
import io.segvid.pipeline.ring.FrameSlot;
import io.segvid.pipeline.stage.StreamContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;

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
  private FFmpegFrameRecorder recorder;
  private boolean audio;

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
  public void open(StreamContext stream, ModelMetadata metadata) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    audio = config.audio() && stream.info().hasAudio();
    FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toString(), stream.info().width(), stream.info().height(),
        audio ? stream.info().audioChannels() : 0);
    double fps = stream.info().frameRate();
    r.setFormat(format);
    r.setFrameRate(fps);
    r.setGopSize(Math.max(1, (int) Math.round(fps * config.gopSeconds())));
    r.setPixelFormat(pixelFormat(config.codec()));
    r.setVideoCodec(codecId(config.codec()));
    int bitrate = config.bitrateKbps() > 0 ? config.bitrateKbps() * 1000
        : (int) Math.min(50_000_000, stream.info().width() * (long) stream.info().height() * fps * 0.12);
    r.setVideoBitrate(bitrate);
    if (format.equals("mp4") || format.equals("mov")) {
      r.setOption("movflags", "frag_keyframe+empty_moov+default_base_moof");
      // The AAC encoder's priming starts audio before 0; without this the fragmented muxer shifts
      // every video frame after the first by that amount.
      r.setOption("avoid_negative_ts", "make_non_negative");
    }
    r.setOption("flush_packets", "1");
    if (audio) {
      r.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
      r.setSampleRate(stream.info().sampleRate());
      r.setAudioBitrate(128_000);
    }
    try {
      r.start();
    } catch (FrameRecorder.Exception | RuntimeException e) {
      try {
        r.release();
      } catch (Exception ignored) {
        // already failing
      }
      Files.deleteIfExists(file);
      throw new IOException("cannot record to " + file + ": " + e.getMessage());
    }
    recorder = r;
  }

  @Override
  public void video(FrameSlot slot) throws IOException {
    // Source time when it moves forward; otherwise the next frame slot keeps every frame, in order.
    if (slot.timestampMicros > recorder.getTimestamp()) recorder.setTimestamp(slot.timestampMicros);
    Frame frame = slot.renderedFrame();
    try {
      recorder.record(frame, avutil.AV_PIX_FMT_BGR24);
    } catch (FrameRecorder.Exception e) {
      throw new IOException("recording to " + file + " failed: " + e.getMessage());
    }
  }

  @Override
  public void audio(FrameSlot slot) throws IOException {
    if (!audio || slot.audioSamples == 0) return;
    try {
      recorder.recordSamples(slot.sampleRate, slot.audioChannels, slot.audioBuffer);
    } catch (FrameRecorder.Exception e) {
      throw new IOException("recording audio to " + file + " failed: " + e.getMessage());
    }
  }

  @Override
  public void finish() throws IOException {
    if (recorder == null) return;
    try {
      recorder.stop();
    } catch (FrameRecorder.Exception e) {
      throw new IOException("finishing " + file + " failed: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    if (recorder != null) {
      try {
        recorder.release();
      } catch (Exception ignored) {
        // releasing native state; nothing more to do
      }
      recorder = null;
    }
  }
}
