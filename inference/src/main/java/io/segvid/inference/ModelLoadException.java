package io.segvid.inference;

import java.io.IOException;

/** A model folder that cannot be used, with a one-line reason naming it. */
public final class ModelLoadException extends IOException {
  public ModelLoadException(String message) {
    super(message);
  }
}
