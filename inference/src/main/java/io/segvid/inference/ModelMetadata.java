package io.segvid.inference;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The small file beside a SavedModel ({@value #FILE_NAME}) that tells the pipeline how to use it:
 * classes with names and colours, the ignore id, the preferred input size, and the signature keys,
 * input scaling and output kind (which is what makes models exported elsewhere usable).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelMetadata(
    @JsonProperty("classes") List<ClassInfo> classes,
    @JsonProperty("ignore_id") Integer ignoreId,
    @JsonProperty("input_height") int inputHeight,
    @JsonProperty("input_width") int inputWidth,
    @JsonProperty("signature") String signature,
    @JsonProperty("input_key") String inputKey,
    @JsonProperty("output_key") String outputKey,
    @JsonProperty("input_scaling") InputScaling inputScaling,
    @JsonProperty("output_kind") OutputKind outputKind,
    @JsonProperty("architecture") Map<String, Object> architecture) {

  public static final String FILE_NAME = "segvid-model.json";
  public static final String DEFAULT_SIGNATURE = "serving_default";

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public ModelMetadata {
    if (classes == null || classes.size() < 2) throw new IllegalArgumentException("a model needs at least 2 classes");
    for (int i = 0; i < classes.size(); i++) {
      if (classes.get(i).id() != i) throw new IllegalArgumentException("class ids must be 0..N-1 in order; entry " + i + " has id " + classes.get(i).id());
    }
    classes = List.copyOf(classes);
    if (inputHeight <= 0 || inputWidth <= 0) throw new IllegalArgumentException("input size must be positive");
    signature = signature == null ? DEFAULT_SIGNATURE : signature;
    inputKey = inputKey == null ? "images" : inputKey;
    outputKey = outputKey == null ? "classes" : outputKey;
    inputScaling = inputScaling == null ? InputScaling.NONE : inputScaling;
    outputKind = outputKind == null ? OutputKind.CLASSES : outputKind;
    // Insertion order, not Map.copyOf's per-run order: the same model writes the same file every time.
    architecture = architecture == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(architecture));
  }

  @JsonIgnore
  public int numClasses() {
    return classes.size();
  }

  /** The same metadata describing another architecture (a re-export that changed the graph). */
  public ModelMetadata withArchitecture(Map<String, Object> newArchitecture) {
    return new ModelMetadata(classes, ignoreId, inputHeight, inputWidth, signature, inputKey, outputKey, inputScaling,
        outputKind, newArchitecture);
  }


  /** The same metadata naming another serving signature. */
  public ModelMetadata withSignature(String key) {
    return new ModelMetadata(classes, ignoreId, inputHeight, inputWidth, key, inputKey, outputKey, inputScaling,
        outputKind, architecture);
  }

  public static ModelMetadata read(Path modelDir) throws IOException {
    Path file = modelDir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) throw new IOException("model " + modelDir + " has no " + FILE_NAME);
    try {
      return JSON.readValue(file.toFile(), ModelMetadata.class);
    } catch (IOException | RuntimeException e) {
      throw new IOException("bad " + file + ": " + rootMessage(e));
    }
  }

  public void write(Path modelDir) throws IOException {
    Files.createDirectories(modelDir);
    JSON.writeValue(modelDir.resolve(FILE_NAME).toFile(), this);
  }

  /** Generic classes "class 0".. with a fixed, well-separated palette, for models without names. */
  public static List<ClassInfo> genericClasses(int n) {
    List<ClassInfo> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float hue = (i * 0.618034f) % 1f;
      java.awt.Color c = java.awt.Color.getHSBColor(hue, 0.75f, 0.95f);
      out.add(new ClassInfo(i, "class " + i, List.of(c.getRed(), c.getGreen(), c.getBlue())));
    }
    return out;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
  }
}
