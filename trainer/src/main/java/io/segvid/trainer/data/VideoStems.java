package io.segvid.trainer.data;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tells which video a frame comes from by its name without the frame number ({@code 0016E5_07959} and
 * {@code 0016E5_08085}: video {@code 0016E5}). Frames of one video are near-copies, so validation frames
 * of the training videos reward memorising them; names carry no proof, so this feeds warnings and
 * per-video scores, never a decision.
 */
public final class VideoStems {

  /** A stem both sets use and how many images of each carry it. */
  public record Shared(String stem, int training, int validation) { }

  private VideoStems() { }

  /** The name without its trailing frame number; null where nothing is left to name a video by. */
  public static String stem(String name) {
    int end = name.length();
    while (end > 0 && Character.isDigit(name.charAt(end - 1))) end--;
    if (end == name.length()) return null;
    // "0006R0_f01140": an f marks the frame number, as in CamVid's names
    if (end >= 2 && (name.charAt(end - 1) == 'f' || name.charAt(end - 1) == 'F') && " _.-".indexOf(name.charAt(end - 2)) >= 0) {
      end--;
    }
    while (end > 0 && " _.-".indexOf(name.charAt(end - 1)) >= 0) end--;
    return end == 0 ? null : name.substring(0, end);
  }

  /** Stems carried by training and validation images alike, most validation images first. */
  public static List<Shared> shared(List<String> trainingNames, List<String> validationNames) {
    Map<String, Integer> training = counts(trainingNames);
    Map<String, Integer> validation = counts(validationNames);
    return validation.entrySet().stream()
        .filter(e -> training.containsKey(e.getKey()))
        .map(e -> new Shared(e.getKey(), training.get(e.getKey()), e.getValue()))
        .sorted((a, b) -> Integer.compare(b.validation(), a.validation()))
        .toList();
  }

  private static Map<String, Integer> counts(List<String> names) {
    Map<String, Integer> counts = new TreeMap<>();
    for (String name : names) {
      String stem = stem(name);
      if (stem != null) counts.merge(stem, 1, Integer::sum);
    }
    return counts;
  }
}
