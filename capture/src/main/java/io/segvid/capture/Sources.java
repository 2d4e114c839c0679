package io.segvid.capture;

import java.nio.file.Path;
import java.util.Locale;

/** Turns a --source argument into a {@link VideoSource}. */
public final class Sources {

  private Sources() { }

  public static VideoSource parse(String spec) {
    String lower = spec.toLowerCase(Locale.ROOT);
    if (lower.startsWith("file:")) return new FileSource(Path.of(spec.substring(5)));
    return new FileSource(Path.of(spec));
  }
}
