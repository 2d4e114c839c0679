package io.segvid.capture;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avformat.av_find_best_stream;
import static org.bytedeco.ffmpeg.global.avformat.av_find_input_format;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

import java.nio.ShortBuffer;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.javacv.Frame;

/**
 * Demuxes and decodes one FFmpeg input straight on libavformat/libavcodec: video converted to BGR24
 * at the size the stream opened with and turned upright when its display matrix says so (as players
 * do), audio to interleaved signed 16-bit at its own rate and channels.
 * Every native object and the two output {@link Frame}s are made when it opens and reused for each
 * frame, so reading allocates nothing on the Java heap (JavaCV's grabber made about 3 KB of wrappers
 * per frame). One thread owns an instance; {@link #close()} frees everything.
 */
final class FfmpegDecoder implements AutoCloseable {

  private static final int EAGAIN = FfmpegError.EAGAIN;
  private static final int KEY_FRAME = 1 << 1;  // AV_FRAME_FLAG_KEY

  private AVFormatContext format;
  private AVPacket packet;
  private final Track video = new Track();
  private final Track audio = new Track();
  private BgrConverter pictures;
  private S16Resampler resampler;
  private double frameRate;
  private long estimatedFrames;
  private ShortPointer samples;
  private PointerPointer<?> samplePlanes;
  private int sampleCapacity;
  private final Frame audioFrame = new Frame();
  private boolean endOfInput;
  private String readError;
  private DeclaredLength declaredLength = DeclaredLength.UNKNOWN;

  /** One decoded elementary stream. */
  private static final class Track {
    int index = -1;
    AVCodecContext codec;
    AVFrame frame;
    PointerPointer<?> planes;
    IntPointer strides;
    long timeBaseNum;
    long timeBaseDen = 1;
    long lastMicros = Long.MIN_VALUE;
    /** True while the decoder may have frames to hand out. */
    boolean ready;
    boolean drained;

    boolean present() {
      return index >= 0;
    }
  }

  /**
   * Opens {@code address} (with {@code formatName} when given, e.g. "lavfi", "v4l2", "rtsp").
   * {@code singleThread} decodes on one thread: frame threading holds frames back, which a live
   * source cannot afford.
   */
  SourceInfo open(String address, String formatName, Map<String, String> options, boolean singleThread, boolean live)
      throws SourceException {
    AVInputFormat inputFormat = null;
    if (formatName != null) {
      inputFormat = av_find_input_format(formatName);
      // Device inputs (v4l2, lavfi, ...) live in avdevice, whose natives need audio and X libraries:
      // loaded only when a source asks for one, so files and network streams never need them.
      if (inputFormat == null && DeviceInputs.register()) inputFormat = av_find_input_format(formatName);
      if (inputFormat == null) throw new SourceException("FFmpeg has no input format '" + formatName + "'");
    }
    AVDictionary dict = new AVDictionary(null);
    options.forEach((k, v) -> av_dict_set(dict, k, v, 0));
    format = avformat_alloc_context();
    int ret = avformat_open_input(format, address, inputFormat, dict);
    av_dict_free(dict);
    if (ret < 0) {
      format = null;  // freed by FFmpeg on failure
      throw new SourceException(FfmpegError.message(ret));
    }
    ret = avformat_find_stream_info(format, (PointerPointer<?>) null);
    if (ret < 0) throw new SourceException("cannot read stream information: " + FfmpegError.message(ret));
    video.index = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, (PointerPointer<?>) null, 0);
    if (video.index < 0) throw new SourceException("no video stream");
    AVStream videoStream = format.streams(video.index);
    openDecoder(video, videoStream, singleThread);
    int codedWidth = video.codec.width();
    int codedHeight = video.codec.height();
    if (codedWidth <= 0 || codedHeight <= 0) throw new SourceException("no video stream (the video has no size)");
    pictures = new BgrConverter(codedWidth, codedHeight, videoStream.codecpar());
    frameRate = frameRate(videoStream);
    estimatedFrames = live ? 0 : estimateFrames(videoStream, format, frameRate);
    if (!live) declaredLength = DeclaredLength.of(format);
    int audioIndex = av_find_best_stream(format, AVMEDIA_TYPE_AUDIO, -1, video.index, (PointerPointer<?>) null, 0);
    if (audioIndex >= 0) openAudio(audioIndex);
    packet = av_packet_alloc();
    int channels = audio.present() ? audio.codec.ch_layout().nb_channels() : 0;
    int sampleRate = audio.present() ? audio.codec.sample_rate() : 0;
    return new SourceInfo(pictures.width(), pictures.height(), frameRate, channels, sampleRate, estimatedFrames, live);
  }

  private void openDecoder(Track track, AVStream stream, boolean singleThread) throws SourceException {
    AVCodecParameters parameters = stream.codecpar();
    AVCodec decoder = avcodec_find_decoder(parameters.codec_id());
    if (decoder == null) {
      throw new SourceException("this FFmpeg has no decoder for "
          + org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name(parameters.codec_id()).getString());
    }
    track.codec = avcodec_alloc_context3(decoder);
    int ret = avcodec_parameters_to_context(track.codec, parameters);
    if (ret < 0) throw new SourceException("cannot set up the decoder: " + FfmpegError.message(ret));
    AVRational timeBase = stream.time_base();
    track.codec.pkt_timebase(timeBase);
    track.timeBaseNum = timeBase.num();
    track.timeBaseDen = Math.max(1, timeBase.den());
    track.codec.thread_count(singleThread ? 1 : 0);  // 0: as many as FFmpeg finds useful
    ret = avcodec_open2(track.codec, decoder, (AVDictionary) null);
    if (ret < 0) throw new SourceException("cannot open the " + decoder.name().getString() + " decoder: " + FfmpegError.message(ret));
    track.frame = av_frame_alloc();
    // Views into the frame struct itself: valid for the frame's whole life, whatever it holds.
    track.planes = track.frame.data();
    track.strides = track.frame.linesize();
  }

  /** Audio is optional: a track that cannot be decoded is left out rather than failing the video. */
  private void openAudio(int index) {
    audio.index = index;
    try {
      openDecoder(audio, format.streams(index), false);
      resampler = S16Resampler.open(audio.codec.ch_layout(), audio.codec.sample_fmt(), audio.codec.sample_rate());
      if (resampler == null) throw new SourceException("cannot convert its audio");
      ensureSampleCapacity(8192);
      audioFrame.audioChannels = audio.codec.ch_layout().nb_channels();
      audioFrame.sampleRate = audio.codec.sample_rate();
      audioFrame.type = Frame.Type.AUDIO;
    } catch (SourceException | RuntimeException e) {
      closeTrack(audio);
      audio.index = -1;
      freeResampler();
    }
  }

  private void freeResampler() {
    if (resampler != null) {
      resampler.close();
      resampler = null;
    }
  }

  private void ensureSampleCapacity(int perChannel) {
    if (perChannel <= sampleCapacity) return;
    int channels = audio.codec.ch_layout().nb_channels();
    if (samples != null) samples.close();
    if (samplePlanes != null) samplePlanes.close();
    samples = new ShortPointer((long) perChannel * channels);
    samplePlanes = new PointerPointer<>(1).put(0, samples);
    sampleCapacity = perChannel;
    audioFrame.samples = new java.nio.Buffer[] {samples.asBuffer()};
  }

  /**
   * The next decoded frame (video or audio), valid until the next call; null at the end of the input.
   * A read error after some frames ends the input like an end of file once the decoders are drained,
   * and is then reported; so is a file that ends well before its header says it does.
   */
  Frame next() throws SourceException {
    while (true) {
      if (video.ready) {
        Frame f = receive(video);
        if (f != null) return f;
      }
      if (audio.ready) {
        Frame f = receive(audio);
        if (f != null) return f;
      }
      if (endOfInput) {
        if ((video.drained || !video.present()) && (audio.drained || !audio.present())) {
          if (readError == null) readError = declaredLength.shortfall(Math.max(video.lastMicros, audio.lastMicros));
          declaredLength = DeclaredLength.UNKNOWN;  // judged once: later calls just report the end
          if (readError != null) {
            String e = readError;
            readError = null;
            throw new SourceException(e);
          }
          return null;
        }
        continue;
      }
      int ret = av_read_frame(format, packet);
      if (ret == EAGAIN) {
        sleepBriefly();
        continue;
      }
      if (ret < 0) {
        if (ret != avutil.AVERROR_EOF) readError = FfmpegError.message(ret);
        endOfInput = true;
        flush(video);
        flush(audio);
        continue;
      }
      int stream = packet.stream_index();
      Track track = stream == video.index ? video : stream == audio.index ? audio : null;
      // A packet the decoder rejects (corrupt data) is skipped, as players do.
      if (track != null && avcodec_send_packet(track.codec, packet) >= 0) track.ready = true;
      av_packet_unref(packet);
    }
  }

  private void flush(Track track) {
    if (!track.present()) return;
    avcodec_send_packet(track.codec, null);
    track.ready = true;
  }

  /** A frame from the track's decoder, or null once it needs more input. */
  private Frame receive(Track track) throws SourceException {
    int ret = avcodec_receive_frame(track.codec, track.frame);
    if (ret < 0) {
      // EAGAIN: needs the next packet. Another error: a broken frame, skipped. After the input's end
      // anything but a frame means the decoder is done.
      track.ready = false;
      if (ret == avutil.AVERROR_EOF || endOfInput) track.drained = true;
      return null;
    }
    long micros = micros(track);
    if (track == video) {
      Frame picture = pictures.convert(track.frame, track.planes, track.strides);
      picture.timestamp = micros;
      picture.keyFrame = (track.frame.flags() & KEY_FRAME) != 0;
      return picture;
    }
    if (!convertSamples()) return null;
    audioFrame.timestamp = micros;
    return audioFrame;
  }

  /** The frame's time in microseconds; a frame without one follows the previous at the frame rate. */
  private long micros(Track track) {
    long pts = track.frame.best_effort_timestamp();
    long micros;
    if (pts == AV_NOPTS_VALUE) {
      micros = track.lastMicros == Long.MIN_VALUE ? 0 : track.lastMicros + (long) (1e6 / Math.max(1, frameRate));
    } else {
      micros = DeclaredLength.micros(pts, track.timeBaseNum, track.timeBaseDen);
    }
    track.lastMicros = micros;
    return micros;
  }

  private boolean convertSamples() {
    int in = audio.frame.nb_samples();
    int needed = resampler.outSamples(in);
    if (needed > sampleCapacity) ensureSampleCapacity(needed);
    int channels = audioFrame.audioChannels;
    // Up to 8 channels the planes live in the frame struct (the cached view); more use extended_data.
    PointerPointer<?> input = channels <= 8 ? audio.planes : audio.frame.extended_data();
    int out = resampler.convert(samplePlanes, sampleCapacity, input, in);
    if (out <= 0) return false;
    ShortBuffer buffer = (ShortBuffer) audioFrame.samples[0];
    buffer.limit(out * channels).position(0);
    return true;
  }

  private static long estimateFrames(AVStream stream, AVFormatContext format, double fps) {
    if (stream.nb_frames() > 0) return stream.nb_frames();
    long duration = format.duration();
    return duration > 0 ? Math.round(duration / 1e6 * fps) : 0;
  }

  private static double frameRate(AVStream stream) {
    AVRational r = stream.avg_frame_rate();
    if (r.num() <= 0 || r.den() <= 0) r = stream.r_frame_rate();
    double fps = r.den() > 0 ? (double) r.num() / r.den() : 0;
    return fps > 0 && fps < 1000 ? fps : 25.0;
  }

  private static void sleepBriefly() throws SourceException {
    try {
      Thread.sleep(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SourceException("interrupted");
    }
  }

  private static void closeTrack(Track track) {
    if (track.frame != null) {
      av_frame_free(track.frame);
      track.frame = null;
    }
    if (track.codec != null) {
      avcodec_free_context(track.codec);
      track.codec = null;
    }
  }

  @Override
  public void close() {
    closeTrack(video);
    closeTrack(audio);
    if (packet != null) {
      av_packet_free(packet);
      packet = null;
    }
    if (format != null) {
      avformat_close_input(format);
      format = null;
    }
    if (pictures != null) {
      pictures.close();
      pictures = null;
    }
    freeResampler();
    if (samples != null) samples.close();
    if (samplePlanes != null) samplePlanes.close();
    samples = null;
    samplePlanes = null;
  }
}
