package io.segvid.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** model: which SavedModel, how to batch and thread it, and overrides for models made elsewhere. */
public record ModelConfig(
    @JsonProperty("path") String path,
    @JsonProperty("input_size") FrameSize inputSize,
    @JsonProperty("batch_size") Integer batchSize,
    @JsonProperty("threads") Integer threads,
    @JsonProperty("signature") String signature,
    @JsonProperty("input_key") String inputKey,
    @JsonProperty("output_key") String outputKey,
    @JsonProperty("input_scaling") String inputScaling,
    @JsonProperty("output_kind") String outputKind,
    @JsonProperty("num_classes") Integer numClasses,
    @JsonProperty("batches_in_flight") Integer batchesInFlight,
    @JsonProperty("tta") String tta) {

  public static final String DEFAULT_PATH = "samples/models/camvid";

  public ModelConfig {
    path = Check.orDefault(path, DEFAULT_PATH);
    batchSize = Check.range("model.batch_size", Check.orDefault(batchSize, 4), 1, 64);
    threads = Check.range("model.threads", Check.orDefault(threads, 0), 0, 256);
    if (inputScaling != null && !inputScaling.matches("(?i)none|unit|symmetric")) {
      throw new ConfigException("model.input_scaling must be none, unit or symmetric, got '" + inputScaling + "'");
    }
    if (outputKind != null && !outputKind.matches("(?i)classes|logits|probabilities")) {
      throw new ConfigException("model.output_kind must be classes, logits or probabilities, got '" + outputKind + "'");
    }
    tta = Check.orDefault(tta, "none");
    if (!tta.strip().matches("(?i)none|flip|scales|flip\\+scales")) {
      throw new ConfigException("model.tta must be none, flip, scales or flip+scales, got '" + tta + "'");
    }
    if (numClasses != null) Check.range("model.num_classes", numClasses, 2, 255);
    // Two batches at once keep TensorFlow's thread pool busy through the serial parts of the graph.
    batchesInFlight = Check.range("model.batches_in_flight", Check.orDefault(batchesInFlight, 2), 1, 2);
  }

  public static ModelConfig defaults() {
    return new ModelConfig(null, null, null, null, null, null, null, null, null, null, null, null);
  }
}
