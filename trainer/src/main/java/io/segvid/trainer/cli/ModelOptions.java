package io.segvid.trainer.cli;

import io.segvid.inference.InputScaling;
import io.segvid.inference.ModelOverrides;
import io.segvid.inference.OutputKind;
import io.segvid.inference.TestTimeAugmentation;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Model selection flags shared by every command that runs a model. */
public final class ModelOptions {

  public static final String DEFAULT_MODEL = "samples/models/camvid";

  @Option(names = "--model", description = "SavedModel folder (default: " + DEFAULT_MODEL + ").")
  public Path model;
  @Option(names = "--signature", description = "Signature key (default: from metadata, else serving_default).")
  String signature;
  @Option(names = "--input-key", description = "Input name in the signature (default: images).")
  String inputKey;
  @Option(names = "--output-key", description = "Output name in the signature (default: classes).")
  String outputKey;
  @Option(names = "--input-scaling", description = "none (uint8 or 0..255), unit ([0,1]) or symmetric ([-1,1]).")
  String inputScaling;
  @Option(names = "--output-kind", description = "classes, logits or probabilities.")
  String outputKind;
  @Option(names = "--num-classes", description = "Classes of a model without segvid-model.json.")
  Integer numClasses;
  @Option(names = "--input-size", description = "Model input HxW; frames keep their aspect ratio, longer side to max(H,W).")
  String inputSize;
  @Option(names = "--tta", description = "Test-time augmentation: none (default), flip (each frame and its mirror"
      + " image, scores averaged: 2x the model time), scales (the model run at 0.75, 1 and 1.25 times the input size,"
      + " probabilities averaged: ~3.1x) or flip+scales (~6.3x).")
  public String tta;
  @Option(names = "--threads", description = "TensorFlow intra-op threads (default: all cores).")
  public Integer threads;

  public ModelOverrides overrides() {
    Integer h = null;
    Integer w = null;
    if (inputSize != null) {
      int[] hw = TrainCommand.parsePair(inputSize, "x", "--input-size");
      h = hw[0];
      w = hw[1];
    }
    return new ModelOverrides(signature, inputKey, outputKey,
        inputScaling == null ? null : parseEnum(InputScaling.class, inputScaling, "--input-scaling"),
        outputKind == null ? null : parseEnum(OutputKind.class, outputKind, "--output-kind"),
        numClasses, h, w);
  }

  public TestTimeAugmentation testTimeAugmentation() {
    return TestTimeAugmentation.parse(tta, "--tta");
  }

  public int threads() {
    return threadsOr(threads);
  }

  /** A --threads value, or every core when it is missing or not positive. */
  static int threadsOr(Integer threads) {
    return threads != null && threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
  }

  public Path modelPath() {
    return io.segvid.config.Home.resolve(model != null ? model : Path.of(DEFAULT_MODEL));
  }

  public String inputSize() {
    return inputSize;
  }

  static <E extends Enum<E>> E parseEnum(Class<E> type, String value, String flag) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value.replace('-', '_'))) return e;
    }
    throw new IllegalArgumentException(flag + " must be one of " + java.util.Arrays.toString(type.getEnumConstants())
        .toLowerCase(java.util.Locale.ROOT) + ", got " + value);
  }
}
