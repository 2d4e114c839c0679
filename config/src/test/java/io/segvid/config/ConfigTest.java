package io.segvid.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.config.ConfigException;
import io.segvid.config.ConfigLoader;
import io.segvid.config.PipelineConfig;
import io.segvid.config.RingPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The YAML config: the shipped example loads; unknown keys and bad values are rejected by name. */
class ConfigTest {

  @TempDir
  Path tmp;

  @Test
  void exampleConfigLoads() {
    PipelineConfig c = ConfigLoader.load(Path.of("../samples/config/example.yaml"));
    assertEquals(0.45, c.render().alpha());
    assertEquals(RingPolicy.AUTO, c.ring().policy());
    assertTrue(c.sinks().size() >= 1);
  }

  @Test
  void defaultsApplyToAnEmptyFile() throws Exception {
    Path f = tmp.resolve("empty.yaml");
    Files.writeString(f, "");
    PipelineConfig c = ConfigLoader.load(f);
    assertEquals(32, c.ring().size());
    assertEquals(4, c.model().batchSize());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "ring:\\n  size: 100|ring.size",
      "ring:\\n  policy: sometimes|ring.policy",
      "render:\\n  alpha: 1.5|render.alpha",
      "render:\\n  alpah: 0.5|render.alpah",
      "model:\\n  batch_size: many|model.batch_size",
      "modle:\\n  path: x|modle",
      "recording:\\n  codec: vp9|recording.codec",
      "sinks: file:a.mp4|sinks",
  })
  void badKeysAndValuesAreNamed(String yaml, String key) throws Exception {
    Path f = tmp.resolve("bad.yaml");
    Files.writeString(f, yaml.replace("\\n", "\n"));
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertTrue(e.getMessage().contains(key), "'" + e.getMessage() + "' should name " + key);
    assertEquals(1, e.getMessage().lines().count());
  }
}
