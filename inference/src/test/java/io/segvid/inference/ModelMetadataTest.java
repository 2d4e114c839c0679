package io.segvid.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** segvid-model.json is written the same way every time, so two exports of one model compare equal. */
class ModelMetadataTest {

  @Test
  void architectureKeepsItsOrderThroughWriteAndRead(@TempDir Path dir) throws Exception {
    Map<String, Object> arch = new LinkedHashMap<>();
    for (String key : List.of("family", "backbone", "width_multiplier", "output_stride", "aspp_channels",
        "decoder_channels", "class_offsets", "z", "a", "m")) {
      arch.put(key, key.length());
    }
    ModelMetadata meta = new ModelMetadata(ModelMetadata.genericClasses(2), null, 36, 48, null, null, null, null, null,
        arch);
    meta.write(dir.resolve("first"));
    String first = Files.readString(dir.resolve("first").resolve(ModelMetadata.FILE_NAME));
    assertEquals(List.copyOf(arch.keySet()), List.copyOf(meta.architecture().keySet()));
    ModelMetadata.read(dir.resolve("first")).write(dir.resolve("again"));
    assertEquals(first, Files.readString(dir.resolve("again").resolve(ModelMetadata.FILE_NAME)),
        "read and written back, the file is unchanged");
    int previous = -1;
    for (String key : arch.keySet()) {
      int at = first.indexOf("\"" + key + "\"");
      assertTrue(at > previous, key + " out of order in " + first);
      previous = at;
    }
  }
}
