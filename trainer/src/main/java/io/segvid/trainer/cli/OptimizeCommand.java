package io.segvid.trainer.cli;

import io.segvid.inference.ModelMetadata;
import io.segvid.trainer.export.ModelExporter;
import io.segvid.trainer.model.DeepLabV3Plus;
import io.segvid.trainer.model.Mode;
import io.segvid.trainer.model.ModelSpec;
import io.segvid.trainer.model.ParamStore;
import io.segvid.trainer.model.SavedModelWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tensorflow.Graph;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TUint8;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code segvid optimize MODEL OUT}: re-exports a segvid model (an older export, or one with batch
 * norms in its serving graph) with the serving graph of today's exporter: batch norms folded into the
 * convolutions, native dilated convolutions. Same weights, same outputs, several times faster on
 * hosts where oneDNN's stand-alone batch norm is slow.
 */
@Command(name = "optimize", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Rewrite a segvid model's serving graph for speed (batch norms folded); weights unchanged.")
public final class OptimizeCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "The segvid SavedModel folder to read.")
  Path model;
  @Parameters(index = "1", description = "Where to write the optimized model (may be the same folder).")
  Path out;

  @Override
  public Integer call() throws IOException {
    if (!Files.isRegularFile(model.resolve("saved_model.pb"))) throw new IOException(model + " is not a SavedModel");
    ModelMetadata meta = ModelMetadata.read(model);
    if (meta == null) {
      throw new IOException(model + " has no " + ModelMetadata.FILE_NAME + ": only segvid-trained models can be rebuilt");
    }
    ModelSpec spec = ModelSpec.fromArchitecture(meta.architecture(), meta.numClasses());
    if (spec == null) {
      throw new IOException(model + " was not trained by segvid (no DeepLabV3+ architecture in its metadata): "
          + "it runs as it is, but cannot be rebuilt");
    }
    Map<String, float[]> weights = SavedModelWeights.read(model, paramsOf(spec).all().values());
    ModelExporter.export(spec, weights, meta, out);
    System.out.println("wrote " + out + " (serving graph with batch norms folded, " + weights.size() + " tensors)");
    return 0;
  }

  /** The parameters the architecture has, by building its graph once. */
  private static ParamStore paramsOf(ModelSpec spec) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ParamStore params = new ParamStore(tf);
      DeepLabV3Plus.build(tf, params, spec, Mode.INFER, 0.9f,
          tf.placeholder(TUint8.class, org.tensorflow.op.core.Placeholder.shape(org.tensorflow.ndarray.Shape.of(-1, -1, -1, 3))));
      return params;
    }
  }
}
