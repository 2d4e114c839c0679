package io.segvid.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** A size written HxW (rows x columns), e.g. 360x480. */
public record FrameSize(int height, int width) {

  public FrameSize {
    if (height < 8 || width < 8 || height > 8192 || width > 8192) {
      throw new ConfigException("size must be between 8x8 and 8192x8192, got " + height + "x" + width);
    }
  }

  @JsonCreator
  public static FrameSize parse(String text) {
    String[] p = text.strip().toLowerCase(Locale.ROOT).split("x");
    try {
      if (p.length != 2) throw new NumberFormatException();
      return new FrameSize(Integer.parseInt(p[0].strip()), Integer.parseInt(p[1].strip()));
    } catch (NumberFormatException e) {
      throw new ConfigException("size must be HxW such as 360x480, got '" + text + "'");
    }
  }

  @JsonValue
  @Override
  public String toString() {
    return height + "x" + width;
  }
}
