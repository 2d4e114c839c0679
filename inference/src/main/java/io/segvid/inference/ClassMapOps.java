package io.segvid.inference;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Ops;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TNumber;

/**
 * The ops appended to a model's graph that turn what it outputs into uint8 class ids at its input
 * size: a cast for class outputs; for scores a bilinear resize to the input size and an argmax
 * (softmax is monotonic, so logits and probabilities give the same classes).
 */
final class ClassMapOps {

  private ClassMapOps() { }

  static Output<?> classes(Graph graph, Signature.TensorDescription in, Signature.TensorDescription out,
                           OutputKind kind) {
    Ops tf = Ops.create(graph);
    Output<?> modelOut = graph.outputOrThrow(out.name);
    if (kind == OutputKind.CLASSES) {
      return out.dataType == DataType.DT_UINT8 ? modelOut
          : tf.dtypes.cast((Operand<? extends TNumber>) modelOut, TUint8.class).asOutput();
    }
    return argMax(tf, resizedScores(tf, graph, in, out));
  }

  /**
   * For a batch of 2N frames, the first N as given and the next N their mirror images: the N class
   * maps of the first half, each from its own scores plus its mirror's scores mirrored back.
   */
  static Output<?> flipAveragedClasses(Graph graph, Signature.TensorDescription in, Signature.TensorDescription scores) {
    Ops tf = Ops.create(graph);
    var halves = tf.split(tf.constant(0), resizedScores(tf, graph, in, scores), 2L).output();
    Operand<TFloat32> mirroredBack = tf.reverse(halves.get(1), tf.constant(new int[] {2}));
    return argMax(tf, tf.math.add(halves.get(0), mirroredBack));
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> resizedScores(Ops tf, Graph graph, Signature.TensorDescription in,
                                                 Signature.TensorDescription out) {
    Output<?> modelOut = graph.outputOrThrow(out.name);
    Operand<TFloat32> scores = out.dataType == DataType.DT_FLOAT ? (Operand<TFloat32>) modelOut
        : tf.dtypes.cast((Operand<? extends TNumber>) modelOut, TFloat32.class);
    Operand<TInt32> size = tf.stridedSlice(tf.shape(graph.outputOrThrow(in.name)), Indices.slice(1, 3));
    return tf.image.resizeBilinear(scores, size, ResizeBilinear.halfPixelCenters(true));
  }

  private static Output<?> argMax(Ops tf, Operand<TFloat32> scores) {
    return tf.dtypes.cast(tf.math.argMax(scores, tf.constant(3), TInt32.class), TUint8.class).asOutput();
  }
}
