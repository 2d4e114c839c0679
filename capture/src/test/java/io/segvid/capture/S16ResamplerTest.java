package io.segvid.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.global.avutil;
import org.junit.jupiter.api.Test;

/**
 * Audio the resampler refuses (swr_init fails after the context was allocated) leaves no context
 * behind, and audio it takes holds exactly one until closed.
 */
class S16ResamplerTest {

  @Test
  void aRefusedSetUpFreesItsContextAndATakenOneHoldsOneUntilClosed() {
    try (AVChannelLayout stereo = new AVChannelLayout()) {
      avutil.av_channel_layout_default(stereo, 2);
      int before = S16Resampler.LIVE.get();
      // Rate 0 passes the options (so the context exists) and is refused by swr_init.
      assertNull(S16Resampler.open(stereo, avutil.AV_SAMPLE_FMT_FLTP, 0));
      assertEquals(before, S16Resampler.LIVE.get(), "the refused context was freed");

      S16Resampler ok = S16Resampler.open(stereo, avutil.AV_SAMPLE_FMT_FLTP, 48_000);
      assertNotNull(ok);
      assertEquals(before + 1, S16Resampler.LIVE.get());
      ok.close();
      ok.close();
      assertEquals(before, S16Resampler.LIVE.get(), "closed once, however often close() is called");
    }
  }
}
