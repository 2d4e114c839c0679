package io.segvid.capture;

/**
 * What an opened source delivers. {@code estimatedFrames} is 0 when unknown (live sources);
 * {@code audioChannels} is 0 when there is no audio.
 */
public record SourceInfo(int width, int height, double frameRate, int audioChannels, int sampleRate,
                         long estimatedFrames, boolean live) {

  public boolean hasAudio() {
    return audioChannels > 0 && sampleRate > 0;
  }
}
