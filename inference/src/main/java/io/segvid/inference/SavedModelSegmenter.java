package io.segvid.inference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.ByteDataBuffer;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * A TensorFlow SavedModel as a {@link Segmenter}. segvid's own exports take uint8 and return uint8
 * class ids, so frames go straight in. Models exported elsewhere (Keras: float input in [0,1] or
 * [-1,1], logits or softmax out, other keys) are adapted by metadata: a small graph converts the
 * uint8 frames, and an argmax (with a bilinear resize to the input size) is appended to the model's
 * graph. Input tensors are allocated once per batch shape and reused. With
 * {@link TestTimeAugmentation#FLIP} each batch carries the frames' mirror images too and the class
 * map comes from both (see {@link ClassMapOps}); with {@link TestTimeAugmentation#SCALES} the model
 * runs at several sizes and {@link ScaleAveraging} combines them.
 */
public final class SavedModelSegmenter implements Segmenter {

  private final SavedModelBundle bundle;
  private final ModelMetadata metadata;
  private final String inputName;
  private final boolean floatInput;
  private final Output<?> classesOutput;
  private final Graph preGraph;
  private final Session preSession;
  private final Placeholder<TUint8> preInput;
  private final Operand<?> preOutput;
  /** uint8 straight into the model: {@link NativeSessionRunner} can be used. */
  private final boolean direct;
  private final TestTimeAugmentation tta;
  /** Each batch runs with its mirror images appended ({@link TestTimeAugmentation#mirrors()}). */
  private final boolean flip;
  /** Runs at several input sizes ({@link TestTimeAugmentation#SCALES}); null otherwise. */
  private final ScaleAveraging scaleAveraging;
  /** The model's scores, fetched per size when averaging sizes. */
  private final Output<?> scoresOutput;
  private final Caller primary;

  private SavedModelSegmenter(SavedModelBundle bundle, ModelMetadata metadata, TestTimeAugmentation tta)
      throws ModelLoadException {
    this.bundle = bundle;
    this.metadata = metadata;
    Signature signature = bundle.signatures().stream().filter(s -> s.key().equals(metadata.signature())).findFirst()
        .orElseThrow(() -> new ModelLoadException("model has no signature '" + metadata.signature() + "' (it has "
            + bundle.signatures().stream().map(Signature::key).toList() + ")"));
    Signature.TensorDescription in = signature.getInputs().get(metadata.inputKey());
    Signature.TensorDescription out = signature.getOutputs().get(metadata.outputKey());
    if (in == null) {
      throw new ModelLoadException("signature '" + signature.key() + "' has no input '" + metadata.inputKey()
          + "' (inputs: " + signature.inputNames() + ")");
    }
    if (out == null) {
      throw new ModelLoadException("signature '" + signature.key() + "' has no output '" + metadata.outputKey()
          + "' (outputs: " + signature.outputNames() + ")");
    }
    inputName = in.name;
    floatInput = in.dataType == DataType.DT_FLOAT;
    Graph graph = bundle.graph();
    this.tta = tta;
    flip = tta.mirrors();
    if (tta.multiScale()) {
      Signature.TensorDescription scores = scoresOf(signature, out, metadata, tta);
      if (scores.dataType != DataType.DT_FLOAT) {
        throw new ModelLoadException("--tta " + tta + " needs float scores; output '" + metadata.outputKey() + "' is "
            + scores.dataType);
      }
      scoresOutput = graph.outputOrThrow(scores.name);
      scaleAveraging = new ScaleAveraging(graph, tta, scores == out ? metadata.outputKind() : OutputKind.LOGITS);
      classesOutput = null;
    } else {
      scoresOutput = null;
      scaleAveraging = null;
      classesOutput = flip ? ClassMapOps.flipAveragedClasses(graph, in, scoresOf(signature, out, metadata, tta))
          : ClassMapOps.classes(graph, in, out, metadata.outputKind());
    }
    direct = in.dataType == DataType.DT_UINT8 && metadata.inputScaling() == InputScaling.NONE;
    if (direct) {
      preGraph = null;
      preSession = null;
      preInput = null;
      preOutput = null;
    } else {
      if (in.dataType != DataType.DT_FLOAT && in.dataType != DataType.DT_UINT8) {
        throw new ModelLoadException("model input '" + metadata.inputKey() + "' is " + in.dataType + "; only uint8 and float32 are supported");
      }
      preGraph = new Graph();
      Ops p = Ops.create(preGraph);
      preInput = p.placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, -1, -1, 3)));
      Operand<TFloat32> f = p.dtypes.cast(preInput, TFloat32.class);
      preOutput = switch (metadata.inputScaling()) {
        case NONE -> f;
        case UNIT -> p.math.mul(f, p.constant(1f / 255f));
        case SYMMETRIC -> p.math.sub(p.math.mul(f, p.constant(1f / 127.5f)), p.constant(1f));
      };
      preSession = new Session(preGraph);
    }
    primary = new Caller();
  }

  /** Opens a SavedModel folder; metadata comes from {@value ModelMetadata#FILE_NAME} and/or overrides. */
  public static SavedModelSegmenter open(Path dir, ModelOverrides overrides, int threads) throws ModelLoadException {
    return open(dir, overrides, threads, TestTimeAugmentation.NONE);
  }

  /** As {@link #open(Path, ModelOverrides, int)}, with test-time augmentation. */
  public static SavedModelSegmenter open(Path dir, ModelOverrides overrides, int threads, TestTimeAugmentation tta)
      throws ModelLoadException {
    if (!Files.isDirectory(dir)) throw new ModelLoadException("model folder " + dir + " does not exist");
    if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
      throw new ModelLoadException(dir + " is not a TensorFlow SavedModel (no saved_model.pb)");
    }
    ModelMetadata metadata = resolveMetadata(dir, overrides);
    ConfigProto config = ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(threads > 1 ? 2 : 1).build();
    SavedModelBundle bundle;
    try {
      bundle = SavedModelBundle.loader(dir.toString()).withTags("serve").withConfigProto(config).load();
    } catch (RuntimeException e) {
      throw new ModelLoadException("cannot load SavedModel " + dir + ": " + firstLine(e));
    }
    warnIfUnfolded(dir, bundle.graph(), metadata);
    try {
      return new SavedModelSegmenter(bundle, NativeDilation.prefer(bundle, metadata, overrides.signature() != null), tta);
    } catch (ModelLoadException | RuntimeException e) {
      bundle.close();
      throw e instanceof ModelLoadException m ? m : new ModelLoadException("model " + dir + ": " + firstLine(e));
    }
  }

  /** The scores an average needs: the output itself, or beside its class ids a {@code logits} output (segvid's exports). */
  private static Signature.TensorDescription scoresOf(Signature signature, Signature.TensorDescription out,
                                                      ModelMetadata metadata, TestTimeAugmentation tta)
      throws ModelLoadException {
    if (metadata.outputKind() != OutputKind.CLASSES) return out;
    Signature.TensorDescription logits = signature.getOutputs().get("logits");
    if (logits == null) {
      throw new ModelLoadException("--tta " + tta + " needs scores, and signature '" + signature.key()
          + "' outputs only class ids (outputs: " + signature.outputNames() + ")");
    }
    return logits;
  }

  /**
   * Stand-alone batch norms run far slower than the convolutions around them in oneDNN on some CPUs
   * (5x the whole model on AMD EPYC family 26): say so, and how to fix it for segvid's own models.
   */
  private static void warnIfUnfolded(Path dir, Graph graph, ModelMetadata metadata) {
    int batchNorms = 0;
    for (java.util.Iterator<org.tensorflow.GraphOperation> it = graph.operations(); it.hasNext(); ) {
      if (it.next().type().startsWith("FusedBatchNorm")) batchNorms++;
    }
    if (batchNorms == 0) return;
    org.slf4j.LoggerFactory.getLogger(SavedModelSegmenter.class).warn(
        "{} has {} batch norms not folded into its convolutions, which can make it several times slower{}",
        dir, batchNorms, metadata.architecture() != null
            ? "; `segvid optimize " + dir + " NEW_FOLDER` rebuilds it with them folded (same weights)" : "");
  }

  static ModelMetadata resolveMetadata(Path dir, ModelOverrides o) throws ModelLoadException {
    ModelMetadata base;
    if (Files.isRegularFile(dir.resolve(ModelMetadata.FILE_NAME))) {
      try {
        base = ModelMetadata.read(dir);
      } catch (java.io.IOException e) {
        throw new ModelLoadException(e.getMessage());
      }
      if (o.numClasses() != null && o.numClasses() != base.numClasses()) {
        throw new ModelLoadException("--num-classes " + o.numClasses() + " contradicts " + ModelMetadata.FILE_NAME
            + " (" + base.numClasses() + " classes)");
      }
    } else {
      if (o.numClasses() == null) {
        throw new ModelLoadException(dir + " has no " + ModelMetadata.FILE_NAME + ": give the number of classes (--num-classes)");
      }
      base = new ModelMetadata(ModelMetadata.genericClasses(o.numClasses()), null, 512, 512, null, null, null,
          InputScaling.NONE, OutputKind.LOGITS, null);
    }
    return new ModelMetadata(base.classes(), base.ignoreId(),
        o.inputHeight() != null ? o.inputHeight() : base.inputHeight(),
        o.inputWidth() != null ? o.inputWidth() : base.inputWidth(),
        o.signature() != null ? o.signature() : base.signature(),
        o.inputKey() != null ? o.inputKey() : base.inputKey(),
        o.outputKey() != null ? o.outputKey() : base.outputKey(),
        o.inputScaling() != null ? o.inputScaling() : base.inputScaling(),
        o.outputKind() != null ? o.outputKind() : base.outputKind(),
        base.architecture());
  }

  /** Input tensors kept per batch shape; a folder of many image sizes must not hoard them. */
  static final int MAX_CACHED_SHAPES = 16;

  /** One key per [n, h, w, 3] input shape, for the input tensor caches. */
  static long batchShapeKey(int n, int h, int w) {
    return ((long) n << 42) | ((long) h << 21) | w;
  }

  /** Whether frames go through {@link NativeSessionRunner} (package-private: for tests). */
  boolean usesNativeRun() {
    return primary.nativeRunner != null;
  }

  @Override
  public ModelMetadata metadata() {
    return metadata;
  }

  @Override
  public void segment(byte[][] frames, int count, int height, int width, byte[][] masks) {
    primary.segment(frames, count, height, width, masks);
  }

  /** FLOP of one frame at this size, counted from the graph ({@link ModelCost}): every size run, twice with flip. */
  @Override
  public long flopsPerFrame(int height, int width) {
    long total = 0;
    for (double s : tta.scales()) {
      total += ModelCost.flopsPerFrame(bundle.session(), inputName, floatInput,
          scaleAveraging != null ? scoresOutput : classesOutput,
          ScaleAveraging.sideAt(height, s), ScaleAveraging.sideAt(width, s));
    }
    return flip ? 2 * total : total;
  }

  /**
   * Another caller on the same session, for a second inference thread: TensorFlow sessions take
   * concurrent runs, and two batches in flight keep its thread pool busy where one batch alone
   * leaves cores idle (serial stretches of the graph).
   */
  @Override
  public Segmenter concurrentCaller() {
    return new Caller();
  }

  /**
   * What one calling thread needs of its own: input tensors, the native runner, staging memory.
   * Closing it frees only those; the session stays with the segmenter.
   */
  private final class Caller implements Segmenter {

    private final Map<Long, TUint8> inputTensors = new HashMap<>();
    /** Allocation-free run path for uint8-in models; null where it cannot be had (then TF Java's Runner). */
    private final NativeSessionRunner nativeRunner = direct && !flip && scaleAveraging == null
        ? NativeSessionRunner.tryCreate(bundle.session(), bundle.graph().outputOrThrow(inputName), classesOutput) : null;
    private byte[] staging = new byte[0];
    private byte[] mirror = new byte[0];
    private final ScaleAveraging.ModelRun modelRun = this::scores;

    @Override
    public ModelMetadata metadata() {
      return metadata;
    }

    @Override
    public void segment(byte[][] frames, int count, int height, int width, byte[][] masks) {
      if (nativeRunner != null) {
        nativeRunner.run(frames, count, height, width, masks, height * width);
        return;
      }
      int frameBytes = height * width * 3;
      TUint8 input = inputTensor(flip ? 2 * count : count, height, width);
      ByteDataBuffer data = input.asRawTensor().data();
      for (int i = 0; i < count; i++) data.offset((long) i * frameBytes).write(frames[i], 0, frameBytes);
      if (flip) {
        if (mirror.length < frameBytes) mirror = new byte[frameBytes];
        for (int i = 0; i < count; i++) {
          Mirror.rows(frames[i], mirror, height, width, 3);
          data.offset((long) (count + i) * frameBytes).write(mirror, 0, frameBytes);
        }
      }
      int maskBytes = height * width;
      if (staging.length < count * maskBytes) staging = new byte[count * maskBytes];
      if (scaleAveraging != null) {
        try (Result r = scaleAveraging.classes(bundle.session(), input, modelRun)) {
          copyOut(r.get(0), count, maskBytes, masks);
        }
      } else if (preSession == null) {
        run(input, count, maskBytes, masks);
      } else {
        try (Result pre = preSession.runner().feed(preInput, input).fetch(preOutput).run()) {
          run(pre.get(0), count, maskBytes, masks);
        }
      }
    }

    private void run(Tensor input, int count, int maskBytes, byte[][] masks) {
      try (Result r = bundle.session().runner().feed(inputName, input).fetch(classesOutput).run()) {
        copyOut(r.get(0), count, maskBytes, masks);
      }
    }

    /** The model's scores for a uint8 batch (converted first for float-input models). */
    private Result scores(Tensor uint8Batch) {
      if (preSession == null) return bundle.session().runner().feed(inputName, uint8Batch).fetch(scoresOutput).run();
      try (Result pre = preSession.runner().feed(preInput, uint8Batch).fetch(preOutput).run()) {
        return bundle.session().runner().feed(inputName, pre.get(0)).fetch(scoresOutput).run();
      }
    }

    private void copyOut(Tensor classes, int count, int maskBytes, byte[][] masks) {
      long expected = (long) count * maskBytes;
      if (classes.shape().size() != expected) {
        throw new IllegalStateException("model returned class map of shape " + classes.shape() + ", expected "
            + count + " maps of " + maskBytes + " pixels");
      }
      classes.asRawTensor().data().read(staging, 0, count * maskBytes);
      for (int i = 0; i < count; i++) System.arraycopy(staging, i * maskBytes, masks[i], 0, maskBytes);
    }

    private TUint8 inputTensor(int n, int h, int w) {
      long key = batchShapeKey(n, h, w);
      TUint8 t = inputTensors.get(key);
      if (t == null) {
        if (inputTensors.size() >= MAX_CACHED_SHAPES) {
          inputTensors.values().forEach(TUint8::close);
          inputTensors.clear();
        }
        t = TUint8.tensorOf(Shape.of(n, h, w, 3));
        inputTensors.put(key, t);
      }
      return t;
    }

    @Override
    public void close() {
      List<TUint8> tensors = new ArrayList<>(inputTensors.values());
      inputTensors.clear();
      tensors.forEach(TUint8::close);
      if (nativeRunner != null) nativeRunner.close();
    }
  }

  @Override
  public void close() {
    primary.close();
    if (preSession != null) preSession.close();
    if (preGraph != null) preGraph.close();
    bundle.close();
  }

  static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.lines().filter(l -> !l.isBlank()).findFirst().orElse(m).strip();
  }
}
