package io.segvid.output;

import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_free;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_read;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_size;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_write;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.swresample.swr_alloc_set_opts2;
import static org.bytedeco.ffmpeg.global.swresample.swr_convert;
import static org.bytedeco.ffmpeg.global.swresample.swr_free;
import static org.bytedeco.ffmpeg.global.swresample.swr_get_out_samples;
import static org.bytedeco.ffmpeg.global.swresample.swr_init;

import io.segvid.capture.FfmpegError;
import java.io.IOException;
import org.bytedeco.ffmpeg.avutil.AVAudioFifo;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.ShortPointer;

/**
 * The audio half of {@link FfmpegWriter}: takes interleaved signed 16-bit samples, converts them to
 * the planar floats AAC wants (resampling when the encoder's rate differs from the source's) and
 * hands them out cut into whole encoder frames. Its buffers grow only when a larger block arrives, so
 * steady audio allocates nothing. One thread uses an instance; {@link #close()} frees it.
 */
final class AudioFrameQueue implements AutoCloseable {

  private final int channels;
  private SwrContext resampler;
  private AVAudioFifo fifo;
  private ShortPointer staging;
  private PointerPointer<?> stagingPlanes;
  private int stagingCapacity;
  private FloatPointer converted;
  private PointerPointer<?> convertedPlanes;
  private int convertedCapacity;

  /** Converts from {@code sourceRate} to {@code encoderRate} for {@code layout}, queueing frames of {@code frameSize}. */
  AudioFrameQueue(AVChannelLayout layout, int channels, int sourceRate, int encoderRate, int frameSize) throws IOException {
    this.channels = channels;
    SwrContext swr = new SwrContext(null);
    check(swr_alloc_set_opts2(swr, layout, AV_SAMPLE_FMT_FLTP, encoderRate, layout, AV_SAMPLE_FMT_S16, sourceRate,
        0, null), "cannot convert audio");
    resampler = swr;
    check(swr_init(swr), "cannot convert audio");
    fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, channels, frameSize * 4);
    if (fifo == null) throw new IOException("out of memory");
    ensureCapacity(Math.max(frameSize, 8192));
  }

  /** Converts and queues {@code count} interleaved samples (all channels) from {@code samples[offset..]}. */
  void add(short[] samples, int offset, int count) throws IOException {
    int perChannel = count / channels;
    if (perChannel <= 0) return;
    ensureCapacity(perChannel);
    staging.position(0).put(samples, offset, perChannel * channels);
    queue(swr_convert(resampler, convertedPlanes, convertedCapacity, stagingPlanes, perChannel));
  }

  /** Queues what resampling still holds back; call once, at the end. */
  void flush() throws IOException {
    queue(swr_convert(resampler, convertedPlanes, convertedCapacity, null, 0));
  }

  /**
   * Fills {@code frame} (whose buffer, {@code planes}, holds {@code frameSize} samples) with the next
   * whole frame, or, with {@code partial}, with whatever is left; returns the samples it holds, 0 when
   * none were taken.
   */
  int take(AVFrame frame, PointerPointer<?> planes, int frameSize, boolean partial) throws IOException {
    int queued = av_audio_fifo_size(fifo);
    int n = queued >= frameSize ? frameSize : partial ? queued : 0;
    if (n == 0) return 0;
    check(av_frame_make_writable(frame), "cannot reuse the audio frame");
    av_audio_fifo_read(fifo, planes, n);
    frame.nb_samples(n);
    return n;
  }

  private void queue(int samples) throws IOException {
    if (samples < 0) check(samples, "converting audio failed");
    if (samples > 0 && av_audio_fifo_write(fifo, convertedPlanes, samples) < samples) {
      throw new IOException("audio queue full");
    }
  }

  /** Room for {@code perChannel} input samples per channel, and for what they become after resampling. */
  private void ensureCapacity(int perChannel) {
    if (perChannel > stagingCapacity) {
      closeAll(staging, stagingPlanes);
      staging = new ShortPointer((long) perChannel * channels);
      stagingPlanes = new PointerPointer<>(1).put(0, staging);
      stagingCapacity = perChannel;
    }
    int out = swr_get_out_samples(resampler, perChannel);
    if (out > convertedCapacity) {
      closeAll(converted, convertedPlanes);
      converted = new FloatPointer((long) out * channels);
      convertedPlanes = new PointerPointer<>(channels);
      for (int ch = 0; ch < channels; ch++) {
        convertedPlanes.put(ch, new FloatPointer(converted).position((long) ch * out));
      }
      convertedCapacity = out;
    }
  }

  private static void check(int ret, String what) throws IOException {
    if (ret < 0) throw new IOException(what + ": " + FfmpegError.message(ret));
  }

  private static void closeAll(Pointer... pointers) {
    for (Pointer p : pointers) {
      if (p != null) p.close();
    }
  }

  @Override
  public void close() {
    if (resampler != null) swr_free(resampler);
    resampler = null;
    if (fifo != null) av_audio_fifo_free(fifo);
    fifo = null;
    closeAll(staging, stagingPlanes, converted, convertedPlanes);
    staging = null;
    stagingPlanes = null;
    converted = null;
    convertedPlanes = null;
  }
}
