package io.segvid.trainer.model;

import java.util.List;

/**
 * Architecture of a DeepLabV3+ network: everything needed to rebuild the same graph for training,
 * validation and export. Stored beside checkpoints so that a resumed run builds an identical graph.
 *
 * <p>{@code classOffsets} (null: none) are added to the classifier's scores when predicting, never in
 * training: the logit adjustment that takes back the prior a class-weighted loss puts into the scores
 * (see {@link LogitAdjustment}).
 *
 * <p>{@code halfResChannels} (0: the paper's decoder, which ends at a quarter of the input): a last
 * decoder step at half resolution with that many channels, fed by the backbone's stride-2 feature, for
 * objects a few pixels wide (poles, signs, distant people).
 *
 * <p>{@code instanceNorm} (MobileNetV2 only): IBN-a, half of the channels of each expansion layer in the
 * stages ending at strides 4, 8 and 16 instance-normalised, so a picture's contrast and colour cast reach
 * the deeper layers less (see {@link Layers#convIbnAct}).
 */
public record ModelSpec(
    Backbone backbone,
    float widthMultiplier,
    int outputStride,
    int numClasses,
    int asppChannels,
    int decoderChannels,
    List<Integer> asppRates,
    List<Float> classOffsets,
    int halfResChannels,
    boolean instanceNorm) {

  public enum Backbone { MOBILENETV2, RESNET50 }

  public ModelSpec {
    if (outputStride != 8 && outputStride != 16) {
      throw new IllegalArgumentException("output stride must be 8 or 16, got " + outputStride);
    }
    if (numClasses < 2) throw new IllegalArgumentException("need at least 2 classes, got " + numClasses);
    if (widthMultiplier <= 0f) throw new IllegalArgumentException("width multiplier must be > 0");
    if (asppChannels < 8 || decoderChannels < 8) throw new IllegalArgumentException("ASPP/decoder channels must be >= 8");
    asppRates = List.copyOf(asppRates);
    if (asppRates.size() != 3 || asppRates.stream().anyMatch(r -> r < 1)) {
      throw new IllegalArgumentException("ASPP needs three atrous rates >= 1, got " + asppRates);
    }
    if (classOffsets != null) {
      if (classOffsets.size() != numClasses) {
        throw new IllegalArgumentException("need one class offset per class (" + numClasses + "), got " + classOffsets.size());
      }
      classOffsets = List.copyOf(classOffsets);
    }
    if (halfResChannels != 0 && halfResChannels < 8) {
      throw new IllegalArgumentException("the half-resolution decoder needs 0 (none) or >= 8 channels, got " + halfResChannels);
    }
    if (instanceNorm && backbone != Backbone.MOBILENETV2) {
      throw new IllegalArgumentException("instance normalisation (IBN-a) is built for the MobileNetV2 backbone only");
    }
  }

  /** Without class offsets, the decoder ending at a quarter of the input. */
  public ModelSpec(Backbone backbone, float widthMultiplier, int outputStride, int numClasses, int asppChannels,
                   int decoderChannels, List<Integer> asppRates) {
    this(backbone, widthMultiplier, outputStride, numClasses, asppChannels, decoderChannels, asppRates, null, 0, false);
  }

  /** The same network with {@code offsets} added to its scores when predicting (null: none). */
  public ModelSpec withClassOffsets(List<Float> offsets) {
    return new ModelSpec(backbone, widthMultiplier, outputStride, numClasses, asppChannels, decoderChannels, asppRates,
        offsets, halfResChannels, instanceNorm);
  }

  /** The same network with a half-resolution decoder step of {@code channels} (0: none). */
  public ModelSpec withHalfResChannels(int channels) {
    return new ModelSpec(backbone, widthMultiplier, outputStride, numClasses, asppChannels, decoderChannels, asppRates,
        classOffsets, channels, instanceNorm);
  }

  /** The same network with IBN-a instance normalisation in its early stages, or without. */
  public ModelSpec withInstanceNorm(boolean on) {
    return new ModelSpec(backbone, widthMultiplier, outputStride, numClasses, asppChannels, decoderChannels, asppRates,
        classOffsets, halfResChannels, on);
  }

  /** Rates 6/12/18 at output stride 16, doubled at output stride 8, as in the DeepLabV3+ paper. */
  public static List<Integer> defaultRates(int outputStride) {
    int scale = 16 / outputStride;
    return List.of(6 * scale, 12 * scale, 18 * scale);
  }

  public static ModelSpec mobileNetV2(int numClasses, float width, int channels) {
    return new ModelSpec(Backbone.MOBILENETV2, width, 16, numClasses, channels, channels, defaultRates(16));
  }

  /** The spec recorded in a segvid model's metadata ({@code architecture}), or null for a foreign model. */
  public static ModelSpec fromArchitecture(java.util.Map<String, Object> arch, int numClasses) {
    if (arch == null || !"DeepLabV3+".equals(arch.get("family")) || arch.get("backbone") == null) return null;
    int outputStride = ((Number) arch.get("output_stride")).intValue();
    List<Float> offsets = arch.get("class_offsets") instanceof List<?> list
        ? list.stream().map(v -> ((Number) v).floatValue()).toList() : null;
    // Models exported before the rates were recorded used the paper's for their output stride.
    List<Integer> rates = arch.get("aspp_rates") instanceof List<?> list
        ? list.stream().map(v -> ((Number) v).intValue()).toList() : defaultRates(outputStride);
    return new ModelSpec(Backbone.valueOf(arch.get("backbone").toString().toUpperCase(java.util.Locale.ROOT)),
        ((Number) arch.getOrDefault("width_multiplier", 1.0)).floatValue(), outputStride, numClasses,
        ((Number) arch.get("aspp_channels")).intValue(), ((Number) arch.get("decoder_channels")).intValue(),
        rates, offsets, ((Number) arch.getOrDefault("half_res_channels", 0)).intValue(),
        Boolean.TRUE.equals(arch.get("instance_norm")));
  }

  /** What {@link #fromArchitecture} reads back. */
  public java.util.Map<String, Object> architecture() {
    java.util.Map<String, Object> arch = new java.util.LinkedHashMap<>();
    arch.put("family", "DeepLabV3+");
    arch.put("backbone", backbone.name().toLowerCase(java.util.Locale.ROOT));
    arch.put("width_multiplier", widthMultiplier);
    arch.put("output_stride", outputStride);
    arch.put("aspp_channels", asppChannels);
    arch.put("decoder_channels", decoderChannels);
    // Only when not the paper's: models exported before the key existed re-export to the same metadata.
    if (!asppRates.equals(defaultRates(outputStride))) arch.put("aspp_rates", asppRates);
    if (halfResChannels > 0) arch.put("half_res_channels", halfResChannels);
    if (instanceNorm) arch.put("instance_norm", true);
    if (classOffsets != null) arch.put("class_offsets", classOffsets);
    return arch;
  }
}
