package io.segvid.output;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_from_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avformat.AVFMT_GLOBALHEADER;
import static org.bytedeco.ffmpeg.global.avformat.AVFMT_NOFILE;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open2;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_d2q;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_inv_q;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import io.segvid.capture.FfmpegError;
import java.io.IOException;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Encodes BGR24 frames (and interleaved signed 16-bit audio, as AAC, resampled if AAC cannot take its rate) and muxes them into a file or a
 * URL, straight on libavcodec/libavformat. Every native object is made in {@link #start()} and
 * reused, so writing a frame allocates nothing on the Java heap (JavaCV's recorder made about 2 KB of
 * wrappers per frame). Video timestamps sit on the frame-rate grid: a frame takes its own time when
 * that moves forward, otherwise the next slot, so every frame is written once, in order. One thread
 * uses an instance; {@link #close()} frees everything, finished or not.
 */
public final class FfmpegWriter implements AutoCloseable {

  private static final int EAGAIN = FfmpegError.EAGAIN;
  private static final int EOF = org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;

  private final String target;
  private final EncoderSettings settings;
  private AVFormatContext output;
  private AVPacket packet;
  private final Encoder video = new Encoder();
  private final Encoder audio = new Encoder();
  private SwsContext scaler;
  private int encodedWidth;
  private int encodedHeight;
  private PointerPointer<?> sourcePlanes;
  private IntPointer sourceStrides;
  private long lastVideoPts = -1;
  private long lastKeyframeMicros = Long.MIN_VALUE;
  private double ptsPerMicro;
  private AudioFrameQueue audioQueue;
  private long audioPts;
  private boolean headerWritten;
  private boolean finished;

  /** One encoder and the stream it feeds. */
  private static final class Encoder {
    AVCodecContext codec;
    AVStream stream;
    AVFrame frame;
    PointerPointer<?> planes;
    IntPointer strides;
    AVRational codecTimeBase;
    AVRational streamTimeBase;

    boolean present() {
      return codec != null;
    }
  }

  public FfmpegWriter(String target, EncoderSettings settings) {
    this.target = target;
    this.settings = settings;
  }

  /** Opens the encoders and the output and writes the header; throws with FFmpeg's reason. */
  public void start() throws IOException {
    output = new AVFormatContext(null);
    check(avformat_alloc_output_context2(output, null, settings.format(), target), "no muxer '" + settings.format() + "'");
    packet = av_packet_alloc();
    openVideo();
    if (settings.audio()) openAudio();
    if ((output.oformat().flags() & AVFMT_NOFILE) == 0) {
      AVIOContext io = new AVIOContext(null);
      check(avio_open2(io, target, AVIO_FLAG_WRITE, null, null), "cannot open " + target);
      output.pb(io);
    }
    AVDictionary options = new AVDictionary(null);
    settings.options().forEach((k, v) -> av_dict_set(options, k, v, 0));
    int ret = avformat_write_header(output, options);
    av_dict_free(options);
    check(ret, "cannot write the " + settings.format() + " header");
    headerWritten = true;
    // The muxer may change a stream's time base in write_header: read them now, once.
    video.streamTimeBase = video.stream.time_base();
    if (audio.present()) audio.streamTimeBase = audio.stream.time_base();
  }

  private void openVideo() throws IOException {
    AVCodec codec = avcodec_find_encoder(settings.codecId());
    if (codec == null) throw new IOException("this FFmpeg has no " + avcodec_get_name(settings.codecId()).getString() + " encoder");
    // OpenH264 opens for pictures under 16 pixels a side and then fails on the first frame (or not
    // at all for the smallest), with an "unknown error": say so before anything is written.
    if (codec.name().getString().equals("libopenh264") && (settings.width() < 16 || settings.height() < 16)) {
      throw new IOException("cannot encode " + settings.width() + "x" + settings.height()
          + " video with OpenH264: it needs at least 16x16 pixels");
    }
    AVCodecContext c = avcodec_alloc_context3(codec);
    video.codec = c;
    AVRational rate = av_d2q(settings.frameRate(), 1_001_000);
    // OpenH264 drops an odd last row/column itself; doing it here keeps the container's size equal
    // to the stream's. The others encode odd sizes as they are.
    boolean evenOnly = settings.codecId() == org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
    encodedWidth = evenOnly ? settings.width() & ~1 : settings.width();
    encodedHeight = evenOnly ? settings.height() & ~1 : settings.height();
    c.width(encodedWidth);
    c.height(encodedHeight);
    c.pix_fmt(settings.pixelFormat());
    c.time_base(av_inv_q(rate));
    c.framerate(rate);
    c.gop_size(settings.gopSize());
    c.bit_rate(settings.bitRate());
    useGlobalHeaderIfMuxerWants(c);
    AVDictionary codecOptions = new AVDictionary(null);
    // libx264 (the -Pgpl-codecs build) defaults to "medium", several times too slow for live video.
    if (codec.name().getString().equals("libx264")) av_dict_set(codecOptions, "preset", "veryfast", 0);
    int ret = avcodec_open2(c, codec, codecOptions);
    av_dict_free(codecOptions);
    check(ret, "cannot open the " + codec.name().getString() + " encoder");
    video.codecTimeBase = c.time_base();
    ptsPerMicro = (double) video.codecTimeBase.den() / video.codecTimeBase.num() / 1e6;
    video.stream = avformat_new_stream(output, null);
    check(avcodec_parameters_from_context(video.stream.codecpar(), c), "cannot set up the video stream");
    video.stream.time_base(c.time_base());
    video.stream.avg_frame_rate(rate);
    video.frame = frame();
    video.frame.format(settings.pixelFormat());
    video.frame.width(encodedWidth);
    video.frame.height(encodedHeight);
    check(av_frame_get_buffer(video.frame, 0), "cannot allocate a video frame");
    video.planes = video.frame.data();
    video.strides = video.frame.linesize();
    // Same size in and out: a conversion, and a crop where the size was made even (the source
    // stride still steps over the whole row).
    scaler = sws_getContext(encodedWidth, encodedHeight, AV_PIX_FMT_BGR24, encodedWidth, encodedHeight,
        settings.pixelFormat(), SWS_BILINEAR, null, null, (org.bytedeco.javacpp.DoublePointer) null);
    if (scaler == null) throw new IOException("cannot convert BGR to the encoder's pixel format");
    sourcePlanes = new PointerPointer<>(1);
    sourceStrides = new IntPointer(1);
  }

  private void openAudio() throws IOException {
    AVCodec codec = avcodec_find_encoder(org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC);
    if (codec == null) throw new IOException("this FFmpeg has no AAC encoder");
    AVCodecContext c = avcodec_alloc_context3(codec);
    audio.codec = c;
    int rate = aacRate(settings.sampleRate());
    c.sample_fmt(AV_SAMPLE_FMT_FLTP);
    c.sample_rate(rate);
    av_channel_layout_default(c.ch_layout(), settings.audioChannels());
    c.bit_rate(128_000);
    AVRational tb = new AVRational();
    tb.num(1).den(rate);
    c.time_base(tb);
    useGlobalHeaderIfMuxerWants(c);
    check(avcodec_open2(c, codec, (AVDictionary) null), "cannot open the AAC encoder");
    audio.codecTimeBase = c.time_base();
    audio.stream = avformat_new_stream(output, null);
    check(avcodec_parameters_from_context(audio.stream.codecpar(), c), "cannot set up the audio stream");
    audio.stream.time_base(c.time_base());
    int frameSize = c.frame_size() > 0 ? c.frame_size() : 1024;
    audio.frame = frame();
    audio.frame.format(AV_SAMPLE_FMT_FLTP);
    audio.frame.sample_rate(rate);
    audio.frame.nb_samples(frameSize);
    org.bytedeco.ffmpeg.global.avutil.av_channel_layout_copy(audio.frame.ch_layout(), c.ch_layout());
    check(av_frame_get_buffer(audio.frame, 0), "cannot allocate an audio frame");
    audio.planes = audio.frame.data();
    // Samples are converted (and resampled if AAC cannot take the source rate) on the way in; the
    // queue then holds encoder-ready planar floats, cut into whole AAC frames.
    audioQueue = new AudioFrameQueue(c.ch_layout(), settings.audioChannels(), settings.sampleRate(), rate, frameSize);
  }

  /** Rates FFmpeg's AAC encoder takes; any other source rate is resampled to the next one up (or 96 kHz). */
  private static final int[] AAC_RATES = {7350, 8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000,
      88200, 96000};

  static int aacRate(int sourceRate) {
    for (int r : AAC_RATES) {
      if (r >= sourceRate) return r;
    }
    return 96_000;
  }

  /** MP4, MKV and the like keep codec headers in the container, not in the stream. */
  private void useGlobalHeaderIfMuxerWants(AVCodecContext c) {
    if ((output.oformat().flags() & AVFMT_GLOBALHEADER) != 0) c.flags(c.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
  }

  private static AVFrame frame() throws IOException {
    AVFrame f = av_frame_alloc();
    if (f == null) throw new IOException("out of memory");
    return f;
  }

  /** Encodes one BGR24 image ({@code stride} bytes per row) shown at {@code micros}. */
  public void video(BytePointer bgr, int stride, long micros) throws IOException {
    long pts = Math.round(micros * ptsPerMicro);
    if (pts <= lastVideoPts) pts = lastVideoPts + 1;  // also puts the first frame at 0 or later
    lastVideoPts = pts;
    check(av_frame_make_writable(video.frame), "cannot reuse the video frame");
    sourcePlanes.put(0, bgr);
    sourceStrides.put(0, stride);
    sws_scale(scaler, sourcePlanes, sourceStrides, 0, encodedHeight, video.planes, video.strides);
    video.frame.pts(pts);
    boolean forceKey = settings.keyframeMicros() > 0 && (lastKeyframeMicros == Long.MIN_VALUE
        || micros - lastKeyframeMicros >= settings.keyframeMicros());
    if (forceKey) lastKeyframeMicros = micros;
    video.frame.pict_type(forceKey ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
    send(video, video.frame);
  }

  /** Queues {@code count} interleaved samples (all channels) from {@code samples[offset..]}; encodes whole AAC frames. */
  public void audio(short[] samples, int offset, int count) throws IOException {
    if (!audio.present() || count <= 0) return;
    audioQueue.add(samples, offset, count);
    encodeQueuedAudio(false);
  }

  /** Encodes every whole frame the queue holds, and with {@code all} the short last one too. */
  private void encodeQueuedAudio(boolean all) throws IOException {
    int frameSize = audio.frame.nb_samples();
    int n;
    while ((n = audioQueue.take(audio.frame, audio.planes, frameSize, all)) > 0) {
      // The last frame may be short: AAC accepts one; the frame keeps its full buffer.
      audio.frame.pts(audioPts);
      audioPts += n;
      send(audio, audio.frame);
      audio.frame.nb_samples(frameSize);
    }
  }

  private void send(Encoder e, AVFrame frame) throws IOException {
    check(avcodec_send_frame(e.codec, frame), "encoding failed");
    int ret;
    while ((ret = avcodec_receive_packet(e.codec, packet)) >= 0) {
      av_packet_rescale_ts(packet, e.codecTimeBase, e.streamTimeBase);
      packet.stream_index(e.stream.index());
      check(av_interleaved_write_frame(output, packet), "writing " + target + " failed");
    }
    if (ret != EAGAIN && ret != EOF) check(ret, "encoding failed");
  }

  /** Flushes the encoders and finishes the container (index, trailer). */
  public void finish() throws IOException {
    if (finished || !headerWritten) return;
    finished = true;
    if (audio.present()) {
      audioQueue.flush();  // what resampling held back
      encodeQueuedAudio(true);
      send(audio, null);
    }
    send(video, null);
    check(av_write_trailer(output), "finishing " + target + " failed");
  }

  private static void check(int ret, String what) throws IOException {
    if (ret < 0) throw new IOException(what + ": " + FfmpegError.message(ret));
  }

  private static void free(Encoder e) {
    if (e.frame != null) av_frame_free(e.frame);
    if (e.codec != null) avcodec_free_context(e.codec);
    e.frame = null;
    e.codec = null;
  }

  @Override
  public void close() {
    free(video);
    free(audio);
    if (packet != null) av_packet_free(packet);
    packet = null;
    if (scaler != null) sws_freeContext(scaler);
    scaler = null;
    if (audioQueue != null) audioQueue.close();
    audioQueue = null;
    // A context whose allocation failed is a Java wrapper around NULL: reading its fields would throw
    // before the buffers below were freed.
    if (output != null && !output.isNull()) {
      if (output.oformat() != null && (output.oformat().flags() & AVFMT_NOFILE) == 0 && output.pb() != null) {
        avio_closep(output.pb());
      }
      avformat_free_context(output);
    }
    output = null;
    if (sourcePlanes != null) sourcePlanes.close();
    if (sourceStrides != null) sourceStrides.close();
    sourcePlanes = null;
    sourceStrides = null;
  }
}
