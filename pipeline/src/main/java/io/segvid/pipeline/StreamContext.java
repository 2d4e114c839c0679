package io.segvid.pipeline;

import io.segvid.capture.SourceInfo;
import io.segvid.capture.SourceSpec;
import io.segvid.capture.VideoSource;
import io.segvid.inference.InputSize;

/**
 * One input stream of a run: how to (re)open its source, the instance opened at start, what it
 * delivers, and the model input size chosen for it.
 */
public record StreamContext(int id, SourceSpec spec, VideoSource source, SourceInfo info, InputSize inputSize,
                            boolean lossless) {

  public String name() {
    return spec != null ? spec.name() : source.name();
  }
}
