package io.segvid.inference;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * Floating-point operations of one frame, counted from the model's graph: every convolution and
 * matrix product, with output sizes read from one run at the given input size (2 FLOP per
 * multiply-add). The count covers what the graph asks for, so it is the same whatever kernel runs it.
 * Models whose layers live inside functions (Keras TF2 exports) show none of them: the count is 0.
 */
public final class ModelCost {

  private ModelCost() { }

  /**
   * FLOP per frame of what {@code output} needs of its graph (a model can hold other branches: other
   * signatures), fed at {@code inputName} with one {@code height x width} RGB frame.
   */
  public static long flopsPerFrame(Session session, String inputName, boolean floatInput,
                                   Output<?> output, int height, int width) {
    List<GraphOperation> layers = new ArrayList<>();
    for (GraphOperation op : ancestors((GraphOperation) output.op())) {
      if (op.type().equals("Conv2D") || op.type().equals("DepthwiseConv2dNative") || op.type().equals("MatMul")) {
        layers.add(op);
      }
    }
    if (layers.isEmpty()) return 0;
    Shape frame = Shape.of(1, height, width, 3);
    try (Tensor in = floatInput ? TFloat32.tensorOf(frame) : TUint8.tensorOf(frame)) {
      Session.Runner runner = session.runner().feed(inputName, in);
      for (GraphOperation op : layers) runner.fetch(op.output(0));
      long total = 0;
      try (Result r = runner.run()) {
        for (int i = 0; i < layers.size(); i++) total += flops(layers.get(i), r.get(i).shape());
      }
      return total;
    }
  }

  /** {@code last} and every operation it reads from, directly or not. */
  private static Set<GraphOperation> ancestors(GraphOperation last) {
    Set<GraphOperation> seen = new LinkedHashSet<>();
    Deque<GraphOperation> todo = new ArrayDeque<>(List.of(last));
    while (!todo.isEmpty()) {
      GraphOperation op = todo.pop();
      if (!seen.add(op)) continue;
      for (int i = 0; i < op.numInputs(); i++) todo.push((GraphOperation) op.input(i).op());
      todo.addAll(op.controlInputs());
    }
    return seen;
  }

  private static long flops(GraphOperation op, Shape out) {
    Shape w = op.input(1).shape();
    switch (op.type()) {
      case "Conv2D": // filter [kh, kw, in, out]
        return 2 * out.size() * w.get(0) * w.get(1) * w.get(2);
      case "DepthwiseConv2dNative": // filter [kh, kw, in, multiplier]: one kh*kw window per output value
        return 2 * out.size() * w.get(0) * w.get(1);
      default: // MatMul [m, k] x [k, n] -> [m, n]; k is whichever filter side is not n
        long k = w.get(0) == out.get(1) ? w.get(1) : w.get(0);
        return 2 * out.size() * k;
    }
  }
}
