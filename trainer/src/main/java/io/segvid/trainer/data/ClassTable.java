package io.segvid.trainer.data;

import io.segvid.inference.ClassInfo;
import io.segvid.inference.ModelMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Class names and colours of a dataset, from a {@code classes.csv} (id,name,r,g,b) in the data folder
 * or its parent. Rows named void/ignore/unlabeled mark the ignore id when none is given.
 */
public record ClassTable(List<ClassInfo> classes, int ignoreId) {

  public static final String FILE_NAME = "classes.csv";

  public static ClassTable resolve(Path dataDir, Integer ignoreIdFlag, Integer numClassesFlag) throws IOException {
    LabelledImageFolder.requireFolder(dataDir);  // else a mistyped folder reads as a missing classes.csv
    Path csv = csvNear(dataDir);
    List<ClassInfo> rows = csv != null ? readCsv(csv) : List.of();
    Integer ignore = ignoreIdFlag;
    if (ignore == null) {
      for (ClassInfo c : rows) {
        String n = c.name().toLowerCase(Locale.ROOT);
        if (n.equals("void") || n.equals("ignore") || n.startsWith("unlabel")) ignore = c.id();
      }
    }
    int ignoreId = ignore == null ? 255 : ignore;
    List<ClassInfo> classes = new ArrayList<>();
    for (ClassInfo c : rows) if (c.id() != ignoreId) classes.add(c);
    if (numClassesFlag != null) {
      if (!classes.isEmpty() && classes.size() != numClassesFlag) {
        throw new IOException(csv + " lists " + classes.size() + " classes but --num-classes is " + numClassesFlag);
      }
      if (classes.isEmpty()) classes = ModelMetadata.genericClasses(numClassesFlag);
    }
    if (classes.isEmpty()) {
      throw new IOException("no " + FILE_NAME + " in " + dataDir + " or its parent: pass --num-classes");
    }
    for (int i = 0; i < classes.size(); i++) {
      if (classes.get(i).id() != i) {
        throw new IOException(csv + ": class ids must be 0..N-1 (apart from the ignore id); found " + classes.get(i).id() + " at " + i);
      }
    }
    return new ClassTable(List.copyOf(classes), ignoreId);
  }

  /** The classes.csv in a data folder, else in its parent; null when neither has one. */
  static Path csvNear(Path dataDir) {
    Path csv = dataDir.resolve(FILE_NAME);
    if (Files.isRegularFile(csv)) return csv;
    Path parent = dataDir.toAbsolutePath().getParent();
    return parent != null && Files.isRegularFile(parent.resolve(FILE_NAME)) ? parent.resolve(FILE_NAME) : null;
  }

  static List<ClassInfo> readCsv(Path csv) throws IOException {
    List<ClassInfo> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(csv);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || (i == 0 && line.toLowerCase(Locale.ROOT).startsWith("id"))) continue;
      String[] f = line.split(",");
      try {
        out.add(new ClassInfo(Integer.parseInt(f[0].strip()), f[1].strip(),
            List.of(Integer.parseInt(f[2].strip()), Integer.parseInt(f[3].strip()), Integer.parseInt(f[4].strip()))));
      } catch (RuntimeException e) {
        throw new IOException(csv + " line " + (i + 1) + ": expected id,name,r,g,b but got '" + line + "'");
      }
    }
    return out;
  }

  public int numClasses() {
    return classes.size();
  }
}
