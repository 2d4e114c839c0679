package io.segvid.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Reads a YAML config file into {@link PipelineConfig}; every problem becomes one line naming the key. */
public final class ConfigLoader {

  private static final ObjectMapper YAML = com.fasterxml.jackson.dataformat.yaml.YAMLMapper.builder(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(com.fasterxml.jackson.databind.MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
      .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .build();

  private ConfigLoader() { }

  public static PipelineConfig load(Path file) {
    if (!Files.isRegularFile(file)) throw new ConfigException("config file " + file + " does not exist");
    try {
      if (Files.readString(file).isBlank()) return PipelineConfig.defaults();
      PipelineConfig c = YAML.readValue(file.toFile(), PipelineConfig.class);
      return c == null ? PipelineConfig.defaults() : c;
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(file + ": unknown key '" + path(e) + "'");
    } catch (JsonMappingException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ConfigException ce) throw new ConfigException(file + ": " + ce.getMessage());
      throw new ConfigException(file + ": bad value for '" + path(e) + "': " + e.getOriginalMessage().lines().findFirst().orElse(""));
    } catch (IOException e) {
      throw new ConfigException(file + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
  }
}
