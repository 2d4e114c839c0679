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
    return read(dir, params, name -> false);
  }

  /**
   * As {@link #read(Path, Collection)}, but the parameters {@code anyShape} accepts are read whatever
   * their size (a classifier with another number of classes), flattened, for the caller to fit.
   */
  public static Map<String, float[]> read(Path dir, Collection<ParamStore.Param> params,
      java.util.function.Predicate<String> anyShape) throws IOException {
    Map<String, float[]> out = new LinkedHashMap<>();
    try (SavedModelBundle bundle = load(dir)) {
      for (ParamStore.Param p : params) {
        float[] v = fetch(bundle, dir, p.name());
        if (v.length != p.size() && !anyShape.test(p.name())) {
          throw new IOException(dir + ": variable " + p.name() + " has " + v.length + " values, the model needs "
              + java.util.Arrays.toString(p.shape()));
        }
        out.put(p.name(), v);
      }
    }
    return out;
  }

  /** One variable whatever its shape, flattened. */
  public static float[] readAnyShape(Path dir, String name) throws IOException {
    try (SavedModelBundle bundle = load(dir)) {
      return fetch(bundle, dir, name);
    }
  }

  private static SavedModelBundle load(Path dir) throws IOException {
    if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) throw new IOException(dir + " is not a SavedModel");
    return SavedModelBundle.load(dir.toString(), "serve");
  }

  private static float[] fetch(SavedModelBundle bundle, Path dir, String name) throws IOException {
    if (bundle.graph().operation(name) == null) {
      throw new IOException(dir + " has no variable " + name + ": it was not exported with the same architecture");
    }
    try (Result r = bundle.session().runner().fetch(name).run()) {
      TFloat32 t = (TFloat32) r.get(0);
      float[] v = new float[Math.toIntExact(t.shape().size())];
      t.copyTo(DataBuffers.of(v, false, false));
      return v;
    }
  }
}
