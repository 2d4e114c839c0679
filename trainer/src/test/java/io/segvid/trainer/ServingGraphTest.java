package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.inference.ModelMetadata;
import io.segvid.inference.NativeDilation;
import io.segvid.trainer.data.LabelledImage;
import io.segvid.trainer.data.LabelledImageFolder;
import io.segvid.trainer.export.ModelExporter;
import io.segvid.trainer.model.DeepLabV3Plus;
import io.segvid.trainer.model.Mode;
import io.segvid.trainer.model.ModelSpec;
import io.segvid.trainer.model.ParamStore;
import io.segvid.trainer.model.SavedModelWeights;
import io.segvid.trainer.model.VariableLoader;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * The exported serving graph (batch norms folded, bias and activation inside the dilated convolutions'
 * space-to-batch form) computes what the training
 * builder's inference branch computes, on real street frames with the shipped model's weights, and
 * holds no batch-norm or training-only op on the path from its input to its outputs.
 */
class ServingGraphTest {

  static final Path MODEL = Path.of("../samples/models/camvid");
  static final Path FRAMES = Path.of("src/test/resources/camvid-mini");
  /** Op types that must never run in the serving graph. */
  static final Set<String> FORBIDDEN = Set.of("FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3",
      "VariableV2", "VarHandleOp", "ReadVariableOp", "Assign", "AssignVariableOp");

  @TempDir
  Path tmp;

  @Test
  void foldedGraphMatchesTheReferenceOnRealFrames() throws Exception {
    ModelMetadata meta = ModelMetadata.read(MODEL);
    ModelSpec spec = ModelSpec.fromArchitecture(meta.architecture(), meta.numClasses());
    Path exported = tmp.resolve("optimized");
    assertServedAsValidated(spec, MODEL, exported, LabelledImageFolder.load(FRAMES),
        weights -> ModelExporter.export(spec, weights, meta, exported));
    assertEquals(Set.of(), forbiddenOpsOnServingPath(exported), "serving graph runs batch-norm or training ops");
  }

  /** Writes a served model from the weights the validation graph was given. */
  interface ExportStep {
    void write(Map<String, float[]> weights) throws Exception;
  }

  /**
   * The model at {@code served} (both serving signatures) against the validation graph of {@code spec}
   * with {@code weightsFrom}'s weights, on {@code frames}; {@code export} (null: none) first writes
   * {@code served} from those weights.
   */
  static void assertServedAsValidated(ModelSpec spec, Path weightsFrom, Path served, List<LabelledImage> frames,
                                      ExportStep export) throws Exception {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ParamStore params = new ParamStore(tf);
      Placeholder<TUint8> images = tf.placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, -1, -1, 3)));
      DeepLabV3Plus.Outputs reference = DeepLabV3Plus.build(tf, params, spec, Mode.INFER, 0.9f, images);
      Map<String, float[]> weights = SavedModelWeights.read(weightsFrom, params.all().values());
      VariableLoader loader = VariableLoader.forParams(tf, params.all().values());
      if (export != null) export.write(weights);
      try (Session s = new Session(g); SavedModelBundle bundle = SavedModelBundle.load(served.toString(), "serve")) {
        loader.load(s, weights);
        for (String signature : List.of("serving_default", NativeDilation.SIGNATURE)) {
          assertSameAsReference(s, images, reference, bundle, signature, frames);
        }
      }
    }
  }

  private static void assertSameAsReference(Session s, Placeholder<TUint8> images, DeepLabV3Plus.Outputs reference,
                                            SavedModelBundle served, String signature, List<LabelledImage> frames) {
    long pixels = 0;
    long same = 0;
    float worst = 0;
    for (LabelledImage f : frames) {
      try (TUint8 in = TUint8.tensorOf(Shape.of(1, f.height(), f.width(), 3), DataBuffers.of(f.rgb(), true, false));
           Result want = s.runner().feed(images, in).fetch(reference.logits()).fetch(reference.classes()).run();
           Result got = served.function(signature).call(Map.of("images", in))) {
        float[] a = floats((TFloat32) want.get(0));
        float[] b = floats((TFloat32) got.get("logits").orElseThrow());
        byte[] ca = bytes((TUint8) want.get(1));
        byte[] cb = bytes((TUint8) got.get("classes").orElseThrow());
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1f + Math.abs(a[i])));
        for (int i = 0; i < ca.length; i++) if (ca[i] == cb[i]) same++;
        pixels += ca.length;
      }
    }
    double agreement = (double) same / pixels;
    assertTrue(agreement >= 0.999, signature + ": classes agree on only " + agreement + " of pixels");
    assertTrue(worst < 1e-3f, signature + ": logits differ by up to " + worst + " (relative)");
  }

  /** Op types reachable backwards from the serving signature's outputs that are in {@link #FORBIDDEN}. */
  static Set<String> forbiddenOpsOnServingPath(Path model) {
    try (SavedModelBundle bundle = SavedModelBundle.load(model.toString(), "serve")) {
      Signature sig = bundle.signatures().stream().filter(x -> x.key().equals("serving_default")).findFirst().orElseThrow();
      Deque<GraphOperation> todo = new ArrayDeque<>();
      for (Signature.TensorDescription out : sig.getOutputs().values()) {
        todo.add(bundle.graph().operation(out.name.split(":")[0]));
      }
      Set<String> seen = new HashSet<>();
      Set<String> found = new TreeSet<>();
      while (!todo.isEmpty()) {
        GraphOperation op = todo.pop();
        if (!seen.add(op.name())) continue;
        if (FORBIDDEN.contains(op.type())) found.add(op.type());
        for (int i = 0; i < op.numInputs(); i++) todo.add((GraphOperation) op.input(i).op());
        todo.addAll(op.controlInputs());
      }
      assertTrue(seen.size() > 50, "walked only " + seen.size() + " ops: not the model");
      return found;
    }
  }

  private static float[] floats(TFloat32 t) {
    float[] v = new float[Math.toIntExact(t.shape().size())];
    t.copyTo(DataBuffers.of(v, false, false));
    return v;
  }

  private static byte[] bytes(TUint8 t) {
    byte[] v = new byte[Math.toIntExact(t.shape().size())];
    t.copyTo(DataBuffers.of(v, false, false));
    return v;
  }
}
