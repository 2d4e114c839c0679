package io.segvid.inference;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_AllocateTensor;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteTensor;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetCode;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_Message;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_OK;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SessionRun;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_TensorByteSize;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_TensorData;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_UINT8;

import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.internal.c_api.TF_Operation;
import org.tensorflow.internal.c_api.TF_Output;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.TF_Tensor;

/**
 * Runs one uint8 input to one uint8 output through TensorFlow's C API with every handle made once.
 *
 * <p>Why: TF Java's {@code Session.runner()...run()} builds a Runner, Result, maps, status and
 * tensor wrappers on each call (about 15 KB of heap per batch here), which is most of what the frame
 * path allocated. Here the input tensors are cached per batch shape and written in place, the
 * output tensor handle is one reused object that the C call points at the new tensor, and the
 * output bytes are read through one reused view. The session stays owned by TF Java (the
 * SavedModelBundle); this class only borrows its native handle and must be closed before it.
 */
final class NativeSessionRunner implements AutoCloseable {

  /** A pointer object re-aimed at native memory without allocating a new wrapper. */
  private static final class View extends BytePointer {
    View aim(Pointer p, long bytes) {
      address = p.address();
      position = 0;
      limit = bytes;
      capacity = bytes;
      return this;
    }
  }

  private record InputTensor(TF_Tensor tensor, View data) { }

  private final TF_Session session;
  private final TF_Output input = new TF_Output(1);
  private final TF_Output output = new TF_Output(1);
  private final TF_Tensor outputTensor = new TF_Tensor();
  private final View outputData = new View();
  private final TF_Status status = TF_NewStatus();
  private final Map<Long, InputTensor> inputs = new HashMap<>();

  private NativeSessionRunner(TF_Session session, Output<?> in, Output<?> out) {
    this.session = session;
    input.oper(handle(in)).index(in.index());
    output.oper(handle(out)).index(out.index());
  }

  /**
   * A runner on {@code session}'s native handle, or null where this TensorFlow Java version does not
   * expose it (then the caller keeps using TF Java's Runner).
   */
  static NativeSessionRunner tryCreate(Session session, Output<?> in, Output<?> out) {
    try {
      Field f = Session.class.getDeclaredField("nativeHandle");
      f.setAccessible(true);
      TF_Session handle = (TF_Session) f.get(session);
      if (handle == null || handle.isNull()) return null;
      return new NativeSessionRunner(handle, in, out);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static TF_Operation handle(Output<?> o) {
    return ((GraphOperation) o.op()).getUnsafeNativeHandle();
  }

  /**
   * Feeds {@code count} frames of {@code frameBytes} RGB bytes as [count, h, w, 3] and copies each
   * output map of {@code maskBytes} into {@code masks}.
   */
  void run(byte[][] frames, int count, int h, int w, byte[][] masks, int maskBytes) {
    InputTensor in = inputTensor(count, h, w);
    int frameBytes = h * w * 3;
    for (int i = 0; i < count; i++) in.data.position((long) i * frameBytes).put(frames[i], 0, frameBytes);
    outputTensor.setNull();
    TF_SessionRun(session, null, input, in.tensor, 1, output, outputTensor, 1, (TF_Operation) null, 0, null, status);
    if (TF_GetCode(status) != TF_OK) {
      throw new IllegalStateException("TensorFlow run failed: " + TF_Message(status).getString());
    }
    try {
      long bytes = TF_TensorByteSize(outputTensor);
      if (bytes != (long) count * maskBytes) {
        throw new IllegalStateException("model returned " + bytes + " class-map bytes, expected " + count
            + " maps of " + maskBytes + " pixels");
      }
      View data = outputData.aim(TF_TensorData(outputTensor), bytes);
      for (int i = 0; i < count; i++) data.position((long) i * maskBytes).get(masks[i], 0, maskBytes);
    } finally {
      TF_DeleteTensor(outputTensor);
      outputTensor.setNull();
    }
  }

  private InputTensor inputTensor(int n, int h, int w) {
    long key = SavedModelSegmenter.batchShapeKey(n, h, w);
    InputTensor t = inputs.get(key);
    if (t == null) {
      if (inputs.size() >= SavedModelSegmenter.MAX_CACHED_SHAPES) releaseInputs();
      long bytes = (long) n * h * w * 3;
      TF_Tensor tensor = TF_AllocateTensor(TF_UINT8, new long[] {n, h, w, 3}, 4, bytes);
      if (tensor == null || tensor.isNull()) throw new IllegalStateException("cannot allocate a " + bytes + "-byte input tensor");
      t = new InputTensor(tensor, new View().aim(TF_TensorData(tensor), bytes));
      inputs.put(key, t);
    }
    return t;
  }

  private void releaseInputs() {
    for (InputTensor t : inputs.values()) TF_DeleteTensor(t.tensor);
    inputs.clear();
  }

  @Override
  public void close() {
    releaseInputs();
    TF_DeleteStatus(status);
    input.close();
    output.close();
  }
}
