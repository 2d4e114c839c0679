package io.segvid.inference;

import java.util.Optional;
import org.slf4j.LoggerFactory;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TUint8;

/**
 * segvid's exports carry a second serving signature, {@value #SIGNATURE}, the same network with its
 * small-rate dilated depthwise convolutions run by the kernel itself instead of through
 * space-to-batch reshuffles: ~0.8x the time where oneDNN runs them (TensorFlow's x86 builds). Other
 * kernels reject dilations (TensorFlow without oneDNN, {@code TF_ENABLE_ONEDNN_OPTS=0}), so a model
 * uses it only after one small run of it has worked in this process; otherwise it keeps the portable
 * {@code serving_default}. A signature the user names is used as named.
 */
public final class NativeDilation {

  public static final String SIGNATURE = "serving_native_dilation";

  private NativeDilation() { }

  /** The metadata to run {@code bundle} with: its signature switched to {@value #SIGNATURE} where that works here. */
  static ModelMetadata prefer(SavedModelBundle bundle, ModelMetadata metadata, boolean signatureNamed) {
    if (signatureNamed || !metadata.signature().equals(ModelMetadata.DEFAULT_SIGNATURE)) return metadata;
    Optional<Signature> fast = bundle.signatures().stream().filter(s -> s.key().equals(SIGNATURE)).findFirst();
    if (fast.isEmpty()) return metadata;
    Signature.TensorDescription in = fast.get().getInputs().get(metadata.inputKey());
    Signature.TensorDescription out = fast.get().getOutputs().get(metadata.outputKey());
    if (in == null || out == null) return metadata;
    try (TUint8 frame = TUint8.tensorOf(Shape.of(1, 32, 32, 3));
         Result r = bundle.session().runner().feed(in.name, frame).fetch(out.name).run()) {
      return metadata.withSignature(SIGNATURE);
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(NativeDilation.class).info("dilated convolutions run through space-to-batch here ({})",
          SavedModelSegmenter.firstLine(e));
      return metadata;
    }
  }
}
