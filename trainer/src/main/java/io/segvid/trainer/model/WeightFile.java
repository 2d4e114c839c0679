package io.segvid.trainer.model;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A flat file of named float arrays (weights, optimizer slots). Written to a temporary file and
 * renamed, so a crash mid-write never leaves a truncated checkpoint under the real name.
 */
public final class WeightFile {

  private static final int MAGIC = 0x53475754; // "SGWT"

  private WeightFile() { }

  public static void write(Path file, Map<String, float[]> values) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20))) {
      out.writeInt(MAGIC);
      out.writeInt(values.size());
      for (Map.Entry<String, float[]> e : values.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(e.getValue().length);
        for (float f : e.getValue()) out.writeFloat(f);
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public static Map<String, float[]> read(Path file) throws IOException {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
      if (in.readInt() != MAGIC) throw new IOException(file + " is not a segvid weight file");
      int n = in.readInt();
      Map<String, float[]> values = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String name = in.readUTF();
        float[] v = new float[in.readInt()];
        for (int j = 0; j < v.length; j++) v[j] = in.readFloat();
        values.put(name, v);
      }
      return values;
    }
  }
}
