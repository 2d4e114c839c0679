package io.segvid.capture;

import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16;
import static org.bytedeco.ffmpeg.global.swresample.swr_alloc_set_opts2;
import static org.bytedeco.ffmpeg.global.swresample.swr_convert;
import static org.bytedeco.ffmpeg.global.swresample.swr_free;
import static org.bytedeco.ffmpeg.global.swresample.swr_get_out_samples;
import static org.bytedeco.ffmpeg.global.swresample.swr_init;

import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.PointerPointer;

/**
 * A decoder's audio to interleaved signed 16-bit at its own rate and channels. Owns its SwrContext,
 * including when its set-up fails half-way (allocated, then refused by swr_init). Used by the
 * decoder's thread only.
 */
final class S16Resampler implements AutoCloseable {

  /** Contexts allocated and not yet freed, all instances together: a failed set-up must leave none. */
  static final AtomicInteger LIVE = new AtomicInteger();

  private SwrContext context;

  private S16Resampler(SwrContext context) {
    this.context = context;
  }

  /** A resampler for this audio, or null when it cannot be converted (nothing is left allocated). */
  static S16Resampler open(AVChannelLayout layout, int sampleFormat, int sampleRate) {
    SwrContext swr = new SwrContext(null);
    int ret = swr_alloc_set_opts2(swr, layout, AV_SAMPLE_FMT_S16, sampleRate, layout, sampleFormat, sampleRate, 0, null);
    if (swr.isNull()) return null;  // FFmpeg freed it itself on that failure
    LIVE.incrementAndGet();
    S16Resampler r = new S16Resampler(swr);
    if (ret < 0 || swr_init(swr) < 0) {
      r.close();
      return null;
    }
    return r;
  }

  /** Upper bound on the samples per channel {@code in} input samples produce. */
  int outSamples(int in) {
    return swr_get_out_samples(context, in);
  }

  /** Converts; returns the samples per channel written. */
  int convert(PointerPointer<?> out, int outCapacity, PointerPointer<?> in, int inSamples) {
    return swr_convert(context, out, outCapacity, in, inSamples);
  }

  @Override
  public void close() {
    if (context != null) {
      swr_free(context);
      context = null;
      LIVE.decrementAndGet();
    }
  }
}
