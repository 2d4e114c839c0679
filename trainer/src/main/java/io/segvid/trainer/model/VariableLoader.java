package io.segvid.trainer.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Moves variable values between Java arrays and a session: one placeholder + assign per variable,
 * added to the graph once. Used for fresh initialisation, resuming and export alike.
 */
public final class VariableLoader {

  private record Slot(long[] shape, Variable<TFloat32> variable, Placeholder<TFloat32> input, Assign<TFloat32> assign) { }

  private final Map<String, Slot> slots = new LinkedHashMap<>();

  /** Adds loaders for the given variables, keyed by name. */
  public VariableLoader(Ops tf, Map<String, long[]> shapes, Map<String, Variable<TFloat32>> variables) {
    for (Map.Entry<String, Variable<TFloat32>> e : variables.entrySet()) {
      long[] shape = shapes.get(e.getKey());
      Placeholder<TFloat32> in = tf.withName(e.getKey() + ".load").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(shape)));
      slots.put(e.getKey(), new Slot(shape, e.getValue(), in, tf.assign(e.getValue(), in)));
    }
  }

  public static VariableLoader forParams(Ops tf, Collection<ParamStore.Param> params) {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    Map<String, Variable<TFloat32>> vars = new LinkedHashMap<>();
    for (ParamStore.Param p : params) {
      shapes.put(p.name(), p.shape());
      vars.put(p.name(), p.variable());
    }
    return new VariableLoader(tf, shapes, vars);
  }

  public Map<String, long[]> shapes() {
    Map<String, long[]> out = new LinkedHashMap<>();
    slots.forEach((k, v) -> out.put(k, v.shape()));
    return out;
  }

  /** Assigns every variable; all must be present in {@code values} with the right size. */
  public void load(Session session, Map<String, float[]> values) {
    List<TFloat32> tensors = new ArrayList<>();
    try {
      Session.Runner runner = session.runner();
      for (Map.Entry<String, Slot> e : slots.entrySet()) {
        float[] v = values.get(e.getKey());
        Slot slot = e.getValue();
        if (v == null) throw new IllegalArgumentException("checkpoint has no value for " + e.getKey());
        long expected = Shape.of(slot.shape()).size();
        if (v.length != expected) {
          throw new IllegalArgumentException("checkpoint value for " + e.getKey() + " has " + v.length
              + " elements, the graph needs " + expected);
        }
        TFloat32 t = TFloat32.tensorOf(Shape.of(slot.shape()), DataBuffers.of(v, true, false));
        tensors.add(t);
        runner.feed(slot.input(), t).addTarget(slot.assign());
      }
      runner.run().close();
    } finally {
      tensors.forEach(TFloat32::close);
    }
  }

  /** Reads every variable's current value. */
  public Map<String, float[]> read(Session session) {
    Map<String, float[]> out = new LinkedHashMap<>();
    Session.Runner runner = session.runner();
    List<String> names = new ArrayList<>(slots.keySet());
    for (String n : names) runner.fetch(slots.get(n).variable());
    try (Result result = runner.run()) {
      for (int i = 0; i < names.size(); i++) {
        TFloat32 t = (TFloat32) result.get(i);
        float[] v = new float[Math.toIntExact(t.shape().size())];
        t.copyTo(DataBuffers.of(v, false, false));
        out.put(names.get(i), v);
      }
    }
    return out;
  }
}
