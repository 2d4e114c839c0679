package io.segvid.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Records on the topics are JSON, readable by any consumer. */
final class Json {

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private Json() { }

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The value, or null when the text is not a valid record of that type. */
  static <T> T read(String text, Class<T> type) {
    if (text == null) return null;
    try {
      return MAPPER.readValue(text, type);
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
