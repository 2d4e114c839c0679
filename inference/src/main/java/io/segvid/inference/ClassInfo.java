package io.segvid.inference;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One output class of a model: its id, name and display colour (RGB). */
public record ClassInfo(@JsonProperty("id") int id, @JsonProperty("name") String name, @JsonProperty("color") List<Integer> color) {

  public ClassInfo {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("class " + id + " has no name");
    if (color == null || color.size() != 3) throw new IllegalArgumentException("class " + name + " needs an [r,g,b] colour");
    for (int c : color) {
      if (c < 0 || c > 255) throw new IllegalArgumentException("class " + name + " colour component out of 0..255: " + c);
    }
    color = List.copyOf(color);
  }

  public int red() {
    return color.get(0);
  }

  public int green() {
    return color.get(1);
  }

  public int blue() {
    return color.get(2);
  }
}
