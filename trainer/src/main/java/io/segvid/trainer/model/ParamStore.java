package io.segvid.trainer.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The variables of one graph, created once by name and shared by every branch built on it (the
 * training branch and the validation branch of the trainer use the same weights). Values are always
 * loaded from Java arrays (see {@link WeightIo}), so a fresh model, a resumed checkpoint and an export
 * all take the same path into the graph.
 */
public final class ParamStore {

  /** How a parameter starts before any training. */
  public enum Init { HE_NORMAL, ZEROS, ONES }

  /** One variable with what it takes to initialise it. */
  public record Param(String name, long[] shape, Init init, long fanIn, boolean trainable, boolean decayed,
                      Variable<TFloat32> variable) {
    public int size() {
      long n = 1;
      for (long d : shape) n *= d;
      return Math.toIntExact(n);
    }
  }

  private final Ops tf;
  private final Map<String, Param> params = new LinkedHashMap<>();

  public ParamStore(Ops tf) {
    this.tf = tf;
  }

  /** Returns the variable called {@code name}, creating it on first use. */
  public Variable<TFloat32> get(String name, long[] shape, Init init, long fanIn, boolean trainable, boolean decayed) {
    Param existing = params.get(name);
    if (existing != null) {
      if (!java.util.Arrays.equals(existing.shape(), shape)) {
        throw new IllegalStateException("parameter " + name + " requested with two shapes");
      }
      return existing.variable();
    }
    Variable<TFloat32> v = tf.withName(name).variable(Shape.of(shape), TFloat32.class);
    params.put(name, new Param(name, shape.clone(), init, fanIn, trainable, decayed, v));
    return v;
  }

  public Map<String, Param> all() {
    return Collections.unmodifiableMap(params);
  }

  public List<Param> trainable() {
    List<Param> out = new ArrayList<>();
    for (Param p : params.values()) if (p.trainable()) out.add(p);
    return out;
  }

  /** Fresh starting values: He-normal convolution weights, unit BN scales, zero biases and statistics. */
  public Map<String, float[]> initialValues(long seed) {
    Random random = new Random(seed);
    Map<String, float[]> values = new LinkedHashMap<>();
    for (Param p : params.values()) {
      float[] v = new float[p.size()];
      switch (p.init()) {
        case ONES -> java.util.Arrays.fill(v, 1f);
        case ZEROS -> { }
        case HE_NORMAL -> {
          double std = Math.sqrt(2.0 / Math.max(1, p.fanIn()));
          for (int i = 0; i < v.length; i++) v[i] = (float) (random.nextGaussian() * std);
        }
      }
      values.put(p.name(), v);
    }
    return values;
  }

  public long parameterCount() {
    return parameterCount("");
  }

  /** Trainable values of the parameters whose names start with {@code prefix}. */
  public long parameterCount(String prefix) {
    long n = 0;
    for (Param p : params.values()) if (p.trainable() && p.name().startsWith(prefix)) n += p.size();
    return n;
  }
}
