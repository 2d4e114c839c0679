package io.segvid.trainer.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TUint8;

/**
 * The one DeepLabV3+ graph builder. The trainer builds its TRAIN and validation branches with it and
 * the exporter builds the serving graph with it, so training and serving cannot drift apart.
 *
 * <p>Input: uint8 RGB [N,H,W,3] of any size, normalised to [-1,1] inside the graph. Output: logits
 * [N,H,W,classes] at the input size.
 */
public final class DeepLabV3Plus {

  /** The stride-2 feature's width after its projection in the half-resolution step. */
  private static final int HALF_SKIP_CHANNELS = 16;

  /** Name prefix of the training-only classifier on the backbone's output ({@code train --aux-loss}); never exported. */
  public static final String AUX_PREFIX = "aux.";

  /**
   * The graph outputs of one branch; {@code auxLogits}: the training-only classifier's scores on the
   * backbone's output, at the input size (null unless asked for).
   */
  public record Outputs(Operand<TFloat32> logits, Operand<TUint8> classes, List<org.tensorflow.op.Op> updates,
                        Operand<TFloat32> auxLogits) { }

  private DeepLabV3Plus() { }

  public static Outputs build(Ops tf, ParamStore params, ModelSpec spec, Mode mode, float bnMomentum,
                              Operand<TUint8> images) {
    return build(tf, params, spec, mode, bnMomentum, null, 0f, false, images);
  }

  /**
   * {@code styleMix}: fed draws that blend early feature statistics across the batch (TRAIN only; null:
   * none); {@code dropout}: share of the decoder's features dropped (TRAIN only; 0: none); {@code auxHead}:
   * also a linear classifier straight on the backbone's output ({@link Outputs#auxLogits()}), whose
   * loss makes the encoder's own features name the classes (deep supervision, as in PSPNet).
   */
  public static Outputs build(Ops tf, ParamStore params, ModelSpec spec, Mode mode, float bnMomentum,
                              StyleMix.Inputs styleMix, float dropout, boolean auxHead, Operand<TUint8> images) {
    return build(new Layers(tf, params, mode, bnMomentum, styleMix, dropout), spec, auxHead, images);
  }

  /**
   * The serving graph: computes with constants made from the trained {@code values} (batch norms
   * folded), while still registering every parameter in {@code params} so the raw weights can be
   * exported beside it (fine-tuning from an exported model reads them). {@code nativeDilation}: its
   * small-rate dilated depthwise convolutions use the kernel's own dilations
   * ({@link Layers#NATIVE_DILATION_MAX_RATE}); its constants are shared through {@code constants} with a
   * graph built before with the same map.
   */
  public static Outputs buildServing(Ops tf, ParamStore params, ModelSpec spec, Map<String, float[]> values,
                                     Operand<TUint8> images, boolean nativeDilation,
                                     Map<String, Operand<TFloat32>> constants) {
    return build(new Layers(tf, params, values, nativeDilation, constants), spec, false, images);
  }

  private static Outputs build(Layers l, ModelSpec spec, boolean auxHead, Operand<TUint8> images) {
    Ops tf = l.tf();
    Operand<TFloat32> x = tf.math.sub(
        tf.math.mul(tf.dtypes.cast(images, TFloat32.class), tf.constant(1f / 127.5f)), tf.constant(1f));

    Features f = switch (spec.backbone()) {
      case MOBILENETV2 -> Backbones.mobileNetV2(l, x, spec.widthMultiplier(), spec.outputStride(), spec.instanceNorm());
      case RESNET50 -> Backbones.resNet50(l, x, spec.outputStride());
    };
    boolean separable = spec.backbone() == ModelSpec.Backbone.MOBILENETV2;
    // Dropout as in the reference decoders (torchvision's ASPP, the common DeepLabV3+ ports): the full
    // rate on the ASPP output and after the first decoder convolution, a fifth of it before the classifier.
    Operand<TFloat32> aspp = l.dropout(aspp(l, f.high(), f.highChannels(), spec, separable), 1f);

    Operand<TFloat32> low = l.convBnRelu(f.low(), "decoder.low", 1, f.lowChannels(), 48, 1, 1);
    Operand<TFloat32> merged = tf.concat(List.of(l.resizeLike(aspp, low), low), tf.constant(3));
    int d = spec.decoderChannels();
    int mergedChannels = spec.asppChannels() + 48;
    Operand<TFloat32> h = separable
        ? l.separableConvBnRelu(merged, "decoder.conv1", mergedChannels, d, 1)
        : l.convBnRelu(merged, "decoder.conv1", 3, mergedChannels, d, 1, 1);
    h = l.dropout(h, 1f);
    h = separable
        ? l.separableConvBnRelu(h, "decoder.conv2", d, d, 1)
        : l.convBnRelu(h, "decoder.conv2", 3, d, d, 1, 1);
    if (spec.halfResChannels() > 0) {
      h = halfResolution(l, h, d, f, spec.halfResChannels());
      d = spec.halfResChannels();
    }
    h = l.dropout(h, 0.2f);
    Operand<TFloat32> scores = l.conv1x1Bias(h, "classifier", d, spec.numClasses());
    if (spec.classOffsets() != null && l.mode() != Mode.TRAIN) {
      // Per-class constants commute with the bilinear resize (its weights sum to 1): added before it.
      float[] offsets = new float[spec.numClasses()];
      for (int c = 0; c < offsets.length; c++) offsets[c] = spec.classOffsets().get(c);
      scores = tf.nn.biasAdd(scores, tf.constant(offsets));
    }
    Operand<TFloat32> logits = l.resizeLike(scores, images);
    Operand<TUint8> classes = tf.dtypes.cast(tf.math.argMax(logits, tf.constant(3), TInt32.class), TUint8.class);
    // Made last, so the other parameters draw the same starting values with it or without.
    Operand<TFloat32> aux = auxHead
        ? l.resizeLike(l.conv1x1Bias(f.high(), AUX_PREFIX + "classifier", f.highChannels(), spec.numClasses()), images)
        : null;
    return new Outputs(logits, classes, new ArrayList<>(l.updates()), aux);
  }

  /**
   * The decoder's last step at half resolution: its quarter-resolution features narrowed to
   * {@code channels} first (so the larger map stays cheap), upsampled, joined with the backbone's
   * stride-2 feature (projected to 16 channels, as the stride-4 one is to 48), one separable 3x3.
   */
  private static Operand<TFloat32> halfResolution(Layers l, Operand<TFloat32> quarter, int quarterChannels,
                                                  Features f, int channels) {
    Operand<TFloat32> narrowed = l.convBnRelu(quarter, "decoder.half.narrow", 1, quarterChannels, channels, 1, 1);
    Operand<TFloat32> skip = l.convBnRelu(f.half(), "decoder.half.skip", 1, f.halfChannels(), HALF_SKIP_CHANNELS, 1, 1);
    Operand<TFloat32> merged = l.tf().concat(List.of(l.resizeLike(narrowed, skip), skip), l.tf().constant(3));
    return l.separableConvBnRelu(merged, "decoder.half.conv", channels + HALF_SKIP_CHANNELS, channels, 1);
  }

  private static Operand<TFloat32> aspp(Layers l, Operand<TFloat32> x, int cin, ModelSpec spec, boolean separable) {
    Ops tf = l.tf();
    int a = spec.asppChannels();
    List<Operand<TFloat32>> branches = new ArrayList<>();
    branches.add(l.convBnRelu(x, "aspp.b0", 1, cin, a, 1, 1));
    for (int i = 0; i < spec.asppRates().size(); i++) {
      int rate = spec.asppRates().get(i);
      String name = "aspp.b" + (i + 1);
      branches.add(separable ? l.separableConvBnRelu(x, name, cin, a, rate) : l.convBnRelu(x, name, 3, cin, a, 1, rate));
    }
    Operand<TFloat32> pooled = l.convBnRelu(l.globalAveragePool(x), "aspp.pool", 1, cin, a, 1, 1);
    branches.add(l.resizeLike(pooled, x));
    Operand<TFloat32> concat = tf.concat(branches, tf.constant(3));
    return l.convBnRelu(concat, "aspp.project", 1, a * branches.size(), a, 1, 1);
  }
}
