package io.segvid.inference;

import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * The machine's dense fp32 throughput as TensorFlow reaches it: a large square matrix product
 * (oneDNN's GEMM, the best-tuned kernel it has) with the given intra-op threads, best of several
 * runs. The yardstick for how well a model uses the CPU: a model's GFLOP/s over this is its share
 * of what the machine can do through the same runtime.
 */
public final class DensePeak {

  private DensePeak() { }

  /** GFLOP/s of an {@code n x n} by {@code n x n} fp32 matrix product, best of {@code runs}. */
  public static double gflopsPerSecond(int threads, int n, int runs) {
    float[] values = new float[n * n];
    Random random = new Random(1);
    for (int i = 0; i < values.length; i++) values[i] = random.nextFloat() - 0.5f;
    ConfigProto config = ConfigProto.newBuilder().setIntraOpParallelismThreads(threads)
        .setInterOpParallelismThreads(1).build();
    try (Graph g = new Graph();
         TFloat32 matrix = TFloat32.tensorOf(Shape.of(n, n), DataBuffers.of(values, true, false))) {
      Ops tf = Ops.create(g);
      // Fed, not constants: grappler would fold a product of constants away before it is timed.
      Operand<TFloat32> a = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(n, n)));
      Operand<TFloat32> b = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(n, n)));
      // A scalar out, so the run times the product and not the copy of n*n floats back to Java.
      Operand<TFloat32> sum = tf.reduceSum(tf.linalg.matMul(a, b), tf.constant(new int[] {0, 1}));
      try (Session s = new Session(g, config)) {
        long best = Long.MAX_VALUE;
        for (int r = 0; r < runs + 2; r++) {  // the first runs pay for graph optimisation
          long t0 = System.nanoTime();
          try (Result out = s.runner().feed(a, matrix).feed(b, matrix).fetch(sum).run()) {
            long t = System.nanoTime() - t0;
            if (r >= 2) best = Math.min(best, t);
          }
        }
        return 2.0 * n * n * n / best;
      }
    }
  }
}
