package io.segvid.inference;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TUint8;

/**
 * Test-time averaging over input sizes ({@code --tta scales}, {@code flip+scales}). A session takes
 * one value per input per run, so the model cannot run at three sizes in one run: a first run makes
 * the batch at every other size, one run per size gets the model's scores, and a last run turns each
 * into class probabilities, resizes them to the input size, sums them (with mirrors, each half's
 * mirrored back onto the first) and takes the argmax. Tensors pass between runs inside TensorFlow.
 * The ops live in the model's graph; one instance serves every calling thread.
 */
final class ScaleAveraging {

  /** The model's float scores for one batch of uint8 frames, adapted to its input as needed; the caller closes the result. */
  interface ModelRun {
    Result scores(Tensor uint8Batch);
  }

  private final double[] scales;
  private final Placeholder<TUint8> batch;
  /** The batch resized for each scale other than 1 (null at 1: the batch itself). */
  private final Output<?>[] resized;
  private final Placeholder<TFloat32>[] scoresIn;
  private final Output<?> classes;

  @SuppressWarnings("unchecked")
  ScaleAveraging(Graph graph, TestTimeAugmentation tta, OutputKind scoresKind) {
    scales = tta.scales();
    Ops tf = Ops.create(graph).withSubScope("segvid_scale_averaging");
    batch = tf.placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, -1, -1, 3)));
    Operand<TInt32> inputSize = tf.stridedSlice(tf.shape(batch), Indices.slice(1, 3));
    Operand<TFloat32> frames = tf.dtypes.cast(batch, TFloat32.class);
    resized = new Output<?>[scales.length];
    scoresIn = new Placeholder[scales.length];
    Operand<TFloat32> sum = null;
    for (int i = 0; i < scales.length; i++) {
      if (scales[i] != 1.0) {
        Operand<TFloat32> pixels = tf.image.resizeBilinear(frames, sizeAt(tf, inputSize, scales[i]),
            ResizeBilinear.halfPixelCenters(true));
        resized[i] = tf.dtypes.cast(tf.clipByValue(tf.math.round(pixels), tf.constant(0f), tf.constant(255f)),
            TUint8.class).asOutput();
      }
      scoresIn[i] = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, -1)));
      Operand<TFloat32> probabilities = scoresKind == OutputKind.PROBABILITIES ? scoresIn[i] : tf.nn.softmax(scoresIn[i]);
      Operand<TFloat32> atInput = tf.image.resizeBilinear(probabilities, inputSize, ResizeBilinear.halfPixelCenters(true));
      if (tta.mirrors()) {
        var halves = tf.split(tf.constant(0), atInput, 2L).output();
        atInput = tf.math.add(halves.get(0), tf.reverse(halves.get(1), tf.constant(new int[] {2})));
      }
      sum = sum == null ? atInput : tf.math.add(sum, atInput);
    }
    classes = tf.dtypes.cast(tf.math.argMax(sum, tf.constant(3), TInt32.class), TUint8.class).asOutput();
  }

  /** The size the input is run at for {@code scale}: both sides scaled and rounded to a multiple of 8, at least 8. */
  private static Operand<TInt32> sizeAt(Ops tf, Operand<TInt32> inputSize, double scale) {
    Operand<TFloat32> eighths = tf.math.round(tf.math.mul(tf.dtypes.cast(inputSize, TFloat32.class),
        tf.constant((float) (scale / 8))));
    return tf.math.maximum(tf.math.mul(tf.dtypes.cast(eighths, TInt32.class), tf.constant(8)), tf.constant(8));
  }

  /** Side lengths the model runs at for one scale, as {@link #sizeAt} computes them (float, halves to even). */
  static int sideAt(int side, double scale) {
    return Math.max(8, (int) Math.rint((float) side * (float) (scale / 8)) * 8);
  }

  /** The class map of {@code uint8Batch} (with its mirror images appended when averaging them): the caller closes the result. */
  Result classes(Session session, Tensor uint8Batch, ModelRun model) {
    List<Result> held = new ArrayList<>();
    try {
      Result resizedBatches = null;
      if (scales.length > 1) {
        Session.Runner r = session.runner().feed(batch, uint8Batch);
        for (Output<?> o : resized) if (o != null) r.fetch(o);
        resizedBatches = r.run();
        held.add(resizedBatches);
      }
      Session.Runner combine = session.runner().feed(batch, uint8Batch);
      int next = 0;
      for (int i = 0; i < scales.length; i++) {
        Tensor in = resized[i] == null ? uint8Batch : resizedBatches.get(next++);
        Result scores = model.scores(in);
        held.add(scores);
        combine.feed(scoresIn[i], scores.get(0));
      }
      return combine.fetch(classes).run();
    } finally {
      held.forEach(Result::close);
    }
  }
}
