package io.segvid.trainer.export;

import io.segvid.inference.ModelMetadata;
import io.segvid.inference.NativeDilation;
import io.segvid.trainer.model.DeepLabV3Plus;
import io.segvid.trainer.model.ModelSpec;
import io.segvid.trainer.model.ParamStore;
import io.segvid.trainer.model.VariableLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * Writes the serving SavedModel: the SERVE branch of the same DeepLabV3+ builder (batch norms folded
 * into constant convolution weights) plus the raw trained weights as variables (for fine-tuning), signature {@code serving_default} (input {@code images} uint8 [N,H,W,3], outputs
 * {@code classes} uint8 [N,H,W] and {@code logits}), for MobileNetV2 a second one on the same constants
 * ({@link NativeDilation#SIGNATURE}), plus {@link ModelMetadata} beside it. Written
 * into a temporary folder and moved into place, so a crash never leaves a half-written model.
 */
public final class ModelExporter {

  private ModelExporter() { }

  public static void export(ModelSpec spec, Map<String, float[]> weights, ModelMetadata metadata, Path dir) throws IOException {
    Path parent = dir.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + ".export-");
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      ParamStore params = new ParamStore(tf);
      Placeholder<TUint8> images = tf.withName("images").placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, -1, -1, 3)));
      Map<String, Operand<TFloat32>> constants = new HashMap<>();
      DeepLabV3Plus.Outputs out = DeepLabV3Plus.buildServing(tf, params, spec, weights, images, false, constants);
      // MobileNetV2's dilated depthwise layers, again with native dilations (NativeDilation picks it at load).
      DeepLabV3Plus.Outputs fast = spec.backbone() == ModelSpec.Backbone.MOBILENETV2
          ? DeepLabV3Plus.buildServing(tf, params, spec, weights, images, true, constants) : null;
      VariableLoader loader = VariableLoader.forParams(tf, params.all().values());
      try (Session session = new Session(graph)) {
        loader.load(session, weights);
        Path savedModel = tmp.resolve("model");
        SavedModelBundle.Exporter exporter = SavedModelBundle.exporter(savedModel.toString()).withSession(session)
            .withSignature(signature(Signature.DEFAULT_KEY, images, out));
        if (fast != null) exporter.withSignature(signature(NativeDilation.SIGNATURE, images, fast));
        exporter.export();
        try (Stream<Path> files = Files.list(savedModel)) {
          for (Path p : (Iterable<Path>) files::iterator) Files.move(p, tmp.resolve(p.getFileName()));
        }
        Files.delete(savedModel);
      }
      metadata.withArchitecture(spec.architecture()).write(tmp);  // the graph just built, class offsets included
      replace(tmp, dir);
    } catch (IOException | RuntimeException e) {
      deleteTree(tmp);
      throw e;
    }
  }

  private static Signature signature(String key, Placeholder<TUint8> images, DeepLabV3Plus.Outputs out) {
    return Signature.builder().key(key)
        .input("images", images).output("classes", out.classes()).output("logits", out.logits()).build();
  }

  /** Swaps {@code fresh} in for {@code dir}: the old model stays whole until the new one is complete. */
  private static void replace(Path fresh, Path dir) throws IOException {
    Path old = dir.resolveSibling("." + dir.getFileName() + ".old");
    deleteTree(old);
    if (Files.exists(dir)) Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
    Files.move(fresh, dir, StandardCopyOption.ATOMIC_MOVE);
    deleteTree(old);
  }

  public static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path f : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) Files.delete(f);
    }
  }
}
