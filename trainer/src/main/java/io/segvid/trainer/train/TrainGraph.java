package io.segvid.trainer.train;

import io.segvid.trainer.model.DeepLabV3Plus;
import io.segvid.trainer.model.Mode;
import io.segvid.trainer.model.ModelSpec;
import io.segvid.trainer.model.ParamStore;
import io.segvid.trainer.model.StyleMix;
import io.segvid.trainer.model.VariableLoader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Session.Runner;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TUint8;

/**
 * The training graph: a TRAIN branch (loss, gradients, optimizer step, batch-norm updates) and an
 * INFER branch on the same variables for validation. Gradients come from Graph.addGradients and are
 * applied with the raw ApplyAdam/ApplyMomentum ops, which works with batch-norm statistics as
 * variables (Optimizer.minimize does not).
 */
public final class TrainGraph implements AutoCloseable {

  /** Pixels with this label id carry no loss (the trainer maps the dataset's ignore id to it). */
  public static final int IGNORE_LABEL = 255;

  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float MOMENTUM = 0.9f;

  private final Graph graph = new Graph();
  private final Session session;
  private final ParamStore params;
  private final Placeholder<TUint8> images;
  private final Placeholder<TUint8> labels;
  private final Placeholder<TFloat32> pixelWeights;
  private final Placeholder<TFloat32> learningRate;
  private final Placeholder<TFloat32> beta1Power;
  private final Placeholder<TFloat32> beta2Power;
  private final Operand<TFloat32> loss;
  private final Op trainStep;
  private final Placeholder<TUint8> inferImages;
  private final Operand<TUint8> inferClasses;
  private final VariableLoader modelLoader;
  private final VariableLoader optimizerLoader;
  private final Map<String, long[]> optimizerShapes = new LinkedHashMap<>();
  private final OptimizerKind optimizer;
  private final float styleMix;
  /** The style-mix placeholders of the TRAIN branch; null without {@code --style-mix}. */
  private final StyleMix.Inputs styleInputs;
  private final Random styleDraws = new Random(0x5717e);

  public TrainGraph(ModelSpec spec, OptimizerKind optimizer, float weightDecay, float bnMomentum, int threads) {
    this(spec, optimizer, weightDecay, bnMomentum, threads, LossKind.CROSS_ENTROPY);
  }

  public TrainGraph(ModelSpec spec, OptimizerKind optimizer, float weightDecay, float bnMomentum, int threads,
                    LossKind lossKind) {
    this(spec, optimizer, weightDecay, bnMomentum, threads, lossKind, 0f, 0f, 0f);
  }

  /**
   * {@code styleMix}: probability that a training image's early feature statistics are blended with
   * another's ({@link StyleMix}); the draws come from a fixed seed, so runs repeat. {@code dropout}: share
   * of the decoder's features dropped in each training step ({@link io.segvid.trainer.model.Layers#dropout}).
   * {@code auxLoss}: weight of the class-weighted cross-entropy of a linear classifier on the backbone's
   * output, added to the loss (0: no such classifier; {@link DeepLabV3Plus#AUX_PREFIX}).
   */
  public TrainGraph(ModelSpec spec, OptimizerKind optimizer, float weightDecay, float bnMomentum, int threads,
                    LossKind lossKind, float styleMix, float dropout, float auxLoss) {
    this.optimizer = optimizer;
    Ops tf = Ops.create(graph);
    params = new ParamStore(tf);
    images = tf.withName("images").placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, -1, -1, 3)));
    labels = tf.withName("labels").placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, -1, -1)));
    pixelWeights = tf.withName("pixel_weights").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1)));
    learningRate = tf.withName("learning_rate").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    beta1Power = tf.withName("beta1_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    beta2Power = tf.withName("beta2_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));

    this.styleMix = styleMix;
    styleInputs = styleMix > 0 ? StyleMix.Inputs.create(tf) : null;
    DeepLabV3Plus.Outputs train = DeepLabV3Plus.build(tf, params, spec, Mode.TRAIN, bnMomentum, styleInputs, dropout,
        auxLoss > 0, images);
    // Per-pixel cross-entropy weighted by class weight; ignored pixels have weight 0 and a zero one-hot row.
    Operand<TFloat32> flatLogits = tf.reshape(train.logits(), tf.constant(new int[] {-1, spec.numClasses()}));
    Operand<TFloat32> oneHot = tf.oneHot(tf.reshape(labels, tf.constant(new int[] {-1})), tf.constant(spec.numClasses()),
        tf.constant(1f), tf.constant(0f));
    Operand<TFloat32> perPixel = tf.nn.softmaxCrossEntropyWithLogits(flatLogits, oneHot).loss();
    if (lossKind == LossKind.FOCAL) {
      // (1 - p)^2 * CE with p = exp(-CE): the right class's probability.
      Operand<TFloat32> miss = tf.math.sub(tf.constant(1f), tf.math.exp(tf.math.neg(perPixel)));
      perPixel = tf.math.mul(tf.math.mul(miss, miss), perPixel);
    }
    Operand<TFloat32> weights = tf.reshape(pixelWeights, tf.constant(new int[] {-1}));
    Operand<TFloat32> weighted = weightedMean(tf, perPixel, weights);
    Operand<TFloat32> total = lossKind == LossKind.LOVASZ
        ? tf.math.add(weighted, LovaszSoftmax.loss(tf, flatLogits, oneHot, spec.numClasses()))
        : weighted;
    if (train.auxLogits() != null) {
      Operand<TFloat32> auxFlat = tf.reshape(train.auxLogits(), tf.constant(new int[] {-1, spec.numClasses()}));
      Operand<TFloat32> auxPerPixel = tf.nn.softmaxCrossEntropyWithLogits(auxFlat, oneHot).loss();
      total = tf.math.add(total, tf.math.mul(tf.constant(auxLoss), weightedMean(tf, auxPerPixel, weights)));
    }
    loss = tf.withName("loss").identity(total);

    List<ParamStore.Param> trainable = params.trainable();
    Output<?>[] varOutputs = new Output<?>[trainable.size()];
    for (int i = 0; i < varOutputs.length; i++) varOutputs[i] = trainable.get(i).variable().asOutput();
    Output<?>[] grads = graph.addGradients(loss.asOutput(), varOutputs);

    Map<String, Variable<TFloat32>> slotVars = new LinkedHashMap<>();
    List<Op> applies = new ArrayList<>(train.updates());
    Operand<TFloat32> decay = tf.constant(weightDecay);
    // A weight changes only once every gradient is computed: back-propagation into earlier layers reads the
    // later layers' weights, and an update that ran first would hand it the new ones.
    List<Op> gradientsReady = new ArrayList<>();
    for (Output<?> g : grads) gradientsReady.add(tf.identity(g));
    Ops afterGradients = tf.withControlDependencies(gradientsReady);
    for (int i = 0; i < trainable.size(); i++) {
      ParamStore.Param p = trainable.get(i);
      @SuppressWarnings("unchecked")
      Operand<TFloat32> g = (Operand<TFloat32>) grads[i];
      boolean decays = p.decayed() && weightDecay > 0;
      if (decays && optimizer != OptimizerKind.ADAMW) g = tf.math.add(g, tf.math.mul(decay, p.variable()));
      if (optimizer != OptimizerKind.SGD) {
        Variable<TFloat32> m = slot(tf, slotVars, p, "adam_m");
        Variable<TFloat32> v = slot(tf, slotVars, p, "adam_v");
        Ops adam = afterGradients;
        if (decays && optimizer == OptimizerKind.ADAMW) {
          // Decoupled (AdamW): the weight shrinks by rate x decay first, outside Adam's per-weight scaling.
          Op shrink = afterGradients.assignSub(p.variable(),
              tf.math.mul(tf.math.mul(learningRate, decay), p.variable()));
          adam = tf.withControlDependencies(List.of(shrink));
        }
        applies.add(adam.train.applyAdam(p.variable(), m, v, beta1Power, beta2Power, learningRate,
            tf.constant(BETA1), tf.constant(BETA2), tf.constant(1e-7f), g));
      } else {
        Variable<TFloat32> accum = slot(tf, slotVars, p, "momentum");
        applies.add(afterGradients.train.applyMomentum(p.variable(), accum, learningRate, g, tf.constant(MOMENTUM)));
      }
    }
    trainStep = tf.withControlDependencies(applies).withName("train_step").noOp();

    inferImages = tf.withName("infer_images").placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, -1, -1, 3)));
    inferClasses = DeepLabV3Plus.build(tf, params, spec, Mode.INFER, bnMomentum, inferImages).classes();

    modelLoader = VariableLoader.forParams(tf, params.all().values());
    optimizerLoader = new VariableLoader(tf, optimizerShapes, slotVars);
    session = new Session(graph, ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(1).build());
  }

  /** Per-pixel losses averaged with the pixels' class weights (ignored pixels weigh 0). */
  private static Operand<TFloat32> weightedMean(Ops tf, Operand<TFloat32> perPixel, Operand<TFloat32> weights) {
    return tf.math.div(tf.reduceSum(tf.math.mul(perPixel, weights), tf.constant(new int[] {0})),
        tf.math.maximum(tf.reduceSum(weights, tf.constant(new int[] {0})), tf.constant(1e-6f)));
  }

  private Variable<TFloat32> slot(Ops tf, Map<String, Variable<TFloat32>> slots, ParamStore.Param p, String kind) {
    String name = p.name() + "." + kind;
    Variable<TFloat32> v = tf.withName(name).variable(Shape.of(p.shape()), TFloat32.class);
    slots.put(name, v);
    optimizerShapes.put(name, p.shape());
    return v;
  }

  public ParamStore params() {
    return params;
  }

  public Map<String, float[]> freshModelValues(long seed) {
    return params.initialValues(seed);
  }

  /** Zeroed optimizer slots. */
  public Map<String, float[]> freshOptimizerValues() {
    Map<String, float[]> out = new LinkedHashMap<>();
    optimizerShapes.forEach((k, s) -> out.put(k, new float[Math.toIntExact(Shape.of(s).size())]));
    return out;
  }

  public void loadModel(Map<String, float[]> values) {
    modelLoader.load(session, values);
  }

  public void loadOptimizer(Map<String, float[]> values) {
    optimizerLoader.load(session, values);
  }

  public Map<String, float[]> readModel() {
    return modelLoader.read(session);
  }

  public Map<String, float[]> readOptimizer() {
    return optimizerLoader.read(session);
  }

  /** One optimizer step on a batch; returns the batch loss. {@code step} counts from 1. */
  public float step(TUint8 batchImages, TUint8 batchLabels, TFloat32 batchWeights, float lr, long step) {
    try (TFloat32 lrT = TFloat32.scalarOf(lr);
         TFloat32 b1 = TFloat32.scalarOf((float) Math.pow(BETA1, step));
         TFloat32 b2 = TFloat32.scalarOf((float) Math.pow(BETA2, step));
         StyleFeeds style = new StyleFeeds(batchImages, true)) {
      Runner runner = style.feed(session.runner()
          .feed(images, batchImages).feed(labels, batchLabels).feed(pixelWeights, batchWeights)
          .feed(learningRate, lrT).feed(beta1Power, b1).feed(beta2Power, b2));
      try (Result r = runner.addTarget(trainStep).fetch(loss).run()) {
        return ((TFloat32) r.get(0)).getFloat();
      }
    }
  }

  /** Loss of a batch without a step, statistics not blended (for tests). */
  public float loss(TUint8 batchImages, TUint8 batchLabels, TFloat32 batchWeights) {
    try (StyleFeeds style = new StyleFeeds(batchImages, false);
         Result r = style.feed(session.runner()
             .feed(images, batchImages).feed(labels, batchLabels).feed(pixelWeights, batchWeights)).fetch(loss).run()) {
      return ((TFloat32) r.get(0)).getFloat();
    }
  }

  /** The style-mix draws of one batch as tensors (none without --style-mix); {@code blend} false: each image keeps its own. */
  private final class StyleFeeds implements AutoCloseable {
    private final TInt32 partner;
    private final TFloat32 ownWeight;

    StyleFeeds(TUint8 batchImages, boolean blend) {
      if (styleInputs == null) {
        partner = null;
        ownWeight = null;
        return;
      }
      int batch = (int) batchImages.shape().get(0);
      int[] partners = java.util.stream.IntStream.range(0, batch).toArray();
      float[] weights = new float[batch];
      java.util.Arrays.fill(weights, 1f);
      if (blend) StyleMix.draw(styleMix, styleDraws, partners, weights);
      partner = TInt32.vectorOf(partners);
      ownWeight = TFloat32.tensorOf(Shape.of(batch, 1, 1, 1), DataBuffers.of(weights, true, false));
    }

    Runner feed(Runner runner) {
      return styleInputs == null ? runner : runner.feed(styleInputs.partner(), partner).feed(styleInputs.ownWeight(), ownWeight);
    }

    @Override
    public void close() {
      if (partner != null) partner.close();
      if (ownWeight != null) ownWeight.close();
    }
  }

  /** Class ids from the INFER branch (moving statistics), for validation. Caller closes the result. */
  public TUint8 predict(TUint8 batchImages) {
    try (Result r = session.runner().feed(inferImages, batchImages).fetch(inferClasses).run()) {
      // Copy out so the Result can be closed here.
      TUint8 t = (TUint8) r.get(0);
      TUint8 copy = TUint8.tensorOf(t.shape());
      t.copyTo(copy);
      return copy;
    }
  }

  public OptimizerKind optimizer() {
    return optimizer;
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
