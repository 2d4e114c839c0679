package io.segvid.trainer;

import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TUint8;

/**
 * Runs an exported SavedModel on a raw RGB image and writes its outputs (classes bytes, then logits
 * bytes). Used in a fresh JVM by {@link ExportReloadTest}, and in-process for the reference.
 * Args: MODEL_DIR IMAGE_FILE HEIGHT WIDTH OUT_FILE.
 */
public final class ReloadProbe {

  public static void main(String[] args) throws Exception {
    run(Path.of(args[0]), Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), Path.of(args[4]));
  }

  static void run(Path model, Path image, int h, int w, Path out) throws Exception {
    byte[] rgb = Files.readAllBytes(image);
    try (SavedModelBundle bundle = SavedModelBundle.load(model.toString(), "serve");
         TUint8 in = TUint8.tensorOf(Shape.of(1, h, w, 3), DataBuffers.of(rgb, true, false));
         Result r = bundle.function("serving_default").call(Map.of("images", in));
         DataOutputStream o = new DataOutputStream(new FileOutputStream(out.toFile()))) {
      byte[] classes = bytes(r.get("classes").orElseThrow());
      byte[] logits = bytes(r.get("logits").orElseThrow());
      o.writeInt(classes.length);
      o.write(classes);
      o.writeInt(logits.length);
      o.write(logits);
    }
  }

  private static byte[] bytes(org.tensorflow.Tensor t) {
    byte[] b = new byte[Math.toIntExact(t.numBytes())];
    t.asRawTensor().data().read(b);
    return b;
  }
}
