package io.segvid.trainer.train;

import io.segvid.inference.ClassInfo;
import io.segvid.inference.ModelMetadata;
import io.segvid.trainer.data.ClassTable;
import io.segvid.trainer.model.DeepLabV3Plus;
import io.segvid.trainer.model.ParamStore;
import io.segvid.trainer.model.SavedModelWeights;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The weights a run starts from when it is given an exported model ({@code --init-from}). Everything
 * but the classifier is taken as it is; the classifier's rows follow the data's classes by name, so a
 * user's own classes (road, car, person) keep what the model learnt of them and new ones start fresh.
 * A model with no metadata, or data with the model's classes, is taken whole.
 */
public final class StartingWeights {

  static final String CLASSIFIER = "classifier.";

  /**
   * Names other data sets give CamVid's classes (Cityscapes, Mapillary, ADE20K, CamVid's own 32-class
   * release): a user's "sidewalk" starts from the shipped model's "pavement". Any two names of a group match.
   */
  private static final List<List<String>> SAME_CLASS = List.of(
      List.of("pedestrian", "person", "people", "human"),
      List.of("bicyclist", "cyclist", "rider"),
      List.of("pavement", "sidewalk", "footpath"),
      List.of("tree", "trees", "vegetation"),
      List.of("sign", "traffic sign", "signsymbol", "sign symbol"),
      List.of("pole", "column pole", "poles"),
      List.of("car", "cars", "vehicle", "automobile"),
      List.of("road", "street", "roadway"),
      List.of("building", "buildings"));

  private StartingWeights() { }

  /**
   * {@code fresh}: the run's own starting values (used for the classifier rows of classes the model does
   * not know). Returns the values to load; tells on {@code log} which classes were carried over.
   */
  public static Map<String, float[]> from(Path model, Collection<ParamStore.Param> params, ClassTable classes,
      Map<String, float[]> fresh, PrintStream log) throws IOException {
    // The training-only backbone classifier (--aux-loss) is never exported: it starts fresh.
    Map<String, float[]> values = new LinkedHashMap<>();
    List<ParamStore.Param> exported = new ArrayList<>();
    for (ParamStore.Param p : params) {
      if (p.name().startsWith(DeepLabV3Plus.AUX_PREFIX)) values.put(p.name(), fresh.get(p.name()));
      else exported.add(p);
    }
    values.putAll(exportedWeights(model, exported, classes, fresh, log));
    return values;
  }

  private static Map<String, float[]> exportedWeights(Path model, Collection<ParamStore.Param> params,
      ClassTable classes, Map<String, float[]> fresh, PrintStream log) throws IOException {
    ModelMetadata meta = ModelMetadata.read(model);
    List<String> dataNames = names(classes.classes());
    if (meta == null || names(meta.classes()).equals(dataNames)) return SavedModelWeights.read(model, params);

    Map<String, float[]> values = new LinkedHashMap<>(SavedModelWeights.read(model, params,
        name -> name.startsWith(CLASSIFIER)));
    int[] source = sourceRows(names(meta.classes()), dataNames, generic(classes));
    int numSource = meta.numClasses();
    for (ParamStore.Param p : params) {
      if (!p.name().startsWith(CLASSIFIER)) continue;
      float[] from = values.get(p.name());
      int numTarget = (int) p.shape()[p.shape().length - 1];
      if (from.length % numSource != 0 || from.length / numSource * numTarget != p.size()) {
        throw new IOException(model + ": variable " + p.name() + " has " + from.length + " values, which do not fit "
            + numSource + " classes of the run's architecture");
      }
      values.put(p.name(), mapRows(from, numSource, fresh.get(p.name()), numTarget, source));
    }
    log.println(summary(model, meta.classes(), classes, source));
    return values;
  }

  /**
   * For each of the data's classes, the model's class of the same name (case, spaces, '_' and '-'
   * ignored), else of a name of the same class ({@link #SAME_CLASS}), or -1. Data without names
   * ({@code --num-classes}) and as many classes as the model's is taken to use its ids.
   */
  static int[] sourceRows(List<String> modelNames, List<String> dataNames, boolean dataUnnamed) {
    int[] source = new int[dataNames.size()];
    for (int j = 0; j < source.length; j++) {
      source[j] = dataUnnamed && dataNames.size() == modelNames.size() ? j : modelNames.indexOf(dataNames.get(j));
      if (source[j] < 0) {
        List<String> group = groupOf(dataNames.get(j));
        for (int i = 0; i < modelNames.size() && source[j] < 0; i++) if (group.contains(modelNames.get(i))) source[j] = i;
      }
    }
    return source;
  }

  private static List<String> groupOf(String name) {
    for (List<String> group : SAME_CLASS) if (group.contains(name)) return group;
    return List.of();
  }

  /**
   * The classifier's last axis is the class: a value at (input channel c, class k) sits at
   * c * numClasses + k in both the model's and the run's arrays.
   */
  static float[] mapRows(float[] from, int numSource, float[] fresh, int numTarget, int[] source) {
    float[] out = fresh.clone();
    int inputs = from.length / numSource;
    for (int c = 0; c < inputs; c++) {
      for (int k = 0; k < numTarget; k++) {
        if (source[k] >= 0) out[c * numTarget + k] = from[c * numSource + source[k]];
      }
    }
    return out;
  }

  private static String summary(Path model, List<ClassInfo> modelClasses, ClassTable classes, int[] source) {
    List<String> kept = new ArrayList<>();
    List<String> fresh = new ArrayList<>();
    for (int j = 0; j < source.length; j++) {
      String name = classes.classes().get(j).name();
      if (source[j] < 0) fresh.add(name);
      else {
        String theirs = modelClasses.get(source[j]).name();
        kept.add(name.equalsIgnoreCase(theirs) ? name : name + " as " + theirs);
      }
    }
    return String.format(Locale.ROOT, "classifier: %d of the data's %d classes carried over from %s%s%s", kept.size(),
        source.length, model, kept.isEmpty() ? "" : " (" + String.join(", ", kept) + ")",
        fresh.isEmpty() ? "" : "; new, starting fresh: " + String.join(", ", fresh));
  }

  private static boolean generic(ClassTable classes) {
    return names(classes.classes()).equals(names(ModelMetadata.genericClasses(classes.numClasses())));
  }

  private static List<String> names(List<ClassInfo> classes) {
    return classes.stream().map(c -> c.name().toLowerCase(Locale.ROOT).replaceAll("[\\s_-]+", " ").strip()).toList();
  }
}
