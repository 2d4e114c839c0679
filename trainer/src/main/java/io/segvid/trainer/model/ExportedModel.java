package io.segvid.trainer.model;

import io.segvid.inference.ModelMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TUint8;

/**
 * A model this trainer exported, read back whole: its metadata, the architecture recorded in it, and
 * its raw weights by parameter name. What commands that rebuild or combine models start from.
 */
public record ExportedModel(ModelMetadata metadata, ModelSpec spec, Map<String, float[]> weights) {

  public static ExportedModel read(Path dir) throws IOException {
    if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) throw new IOException(dir + " is not a SavedModel");
    ModelMetadata meta = ModelMetadata.read(dir);
    if (meta == null) {
      throw new IOException(dir + " has no " + ModelMetadata.FILE_NAME + ": only segvid-trained models can be rebuilt");
    }
    ModelSpec spec = ModelSpec.fromArchitecture(meta.architecture(), meta.numClasses());
    if (spec == null) {
      throw new IOException(dir + " was not trained by segvid (no DeepLabV3+ architecture in its metadata): "
          + "it runs as it is, but cannot be rebuilt");
    }
    return new ExportedModel(meta, spec, SavedModelWeights.read(dir, paramsOf(spec).all().values()));
  }

  /** The parameters the architecture has, by building its graph once. */
  private static ParamStore paramsOf(ModelSpec spec) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ParamStore params = new ParamStore(tf);
      DeepLabV3Plus.build(tf, params, spec, Mode.INFER, 0.9f, tf.placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, -1, -1, 3))));
      return params;
    }
  }
}
