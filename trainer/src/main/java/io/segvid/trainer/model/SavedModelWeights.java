package io.segvid.trainer.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Reads the weights of a model this trainer exported (its variables carry the parameter names), so
 * training can start from a shipped model: fine-tuning, or continuing with a new schedule.
 */
public final class SavedModelWeights {

  private SavedModelWeights() { }

  public static Map<String, float[]> read(Path dir, Collection<ParamStore.Param> params) throws IOException {
    if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) throw new IOException(dir + " is not a SavedModel");
    Map<String, float[]> out = new LinkedHashMap<>();
    try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), "serve")) {
      for (ParamStore.Param p : params) {
        if (bundle.graph().operation(p.name()) == null) {
          throw new IOException(dir + " has no variable " + p.name() + ": it was not exported with the same architecture");
        }
        try (Result r = bundle.session().runner().fetch(p.name()).run()) {
          TFloat32 t = (TFloat32) r.get(0);
          if (t.shape().size() != p.size()) {
            throw new IOException(dir + ": variable " + p.name() + " has shape " + t.shape() + ", the model needs "
                + java.util.Arrays.toString(p.shape()));
          }
          float[] v = new float[p.size()];
          t.copyTo(DataBuffers.of(v, false, false));
          out.put(p.name(), v);
        }
      }
    }
    return out;
  }
}
