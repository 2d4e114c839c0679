package io.segvid.pipeline.stage;

import io.segvid.capture.SourceInfo;
import io.segvid.capture.VideoSource;
import io.segvid.inference.InputSize;

/** One input stream of a run: its source, what it delivers, and the model input size chosen for it. */
public record StreamContext(int id, VideoSource source, SourceInfo info, InputSize inputSize, boolean lossless) {

  public String name() {
    return source.name();
  }
}
