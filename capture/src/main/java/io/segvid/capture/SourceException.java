package io.segvid.capture;

import java.io.IOException;

/** A source that cannot be opened or read, described in one line that names it (credentials hidden). */
public final class SourceException extends IOException {
  public SourceException(String message) {
    super(message);
  }

  public SourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
