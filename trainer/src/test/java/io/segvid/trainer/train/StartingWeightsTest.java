package io.segvid.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which of a model's classifier rows a user's classes start from, and how the rows move. */
class StartingWeightsTest {

  static final List<String> CAMVID = List.of("sky", "building", "pole", "road", "pavement", "tree", "sign", "fence",
      "car", "pedestrian", "bicyclist");

  @Test
  void classesFollowTheirNameOrAnotherNameOfTheSameClass() {
    // Cityscapes-style names, normalised as the trainer reads them ("traffic_sign" -> "traffic sign").
    List<String> data = List.of("road", "sidewalk", "vegetation", "person", "rider", "traffic sign", "terrain", "sky");
    assertArrayEquals(new int[] {3, 4, 5, 9, 10, 6, -1, 0}, StartingWeights.sourceRows(CAMVID, data, false));
  }

  @Test
  void unnamedDataWithTheModelsClassCountUsesItsIds() {
    List<String> generic = List.of("class 0", "class 1", "class 2");
    assertArrayEquals(new int[] {0, 1, 2}, StartingWeights.sourceRows(List.of("a", "b", "c"), generic, true));
    assertArrayEquals(new int[] {-1, -1}, StartingWeights.sourceRows(List.of("a", "b", "c"), generic.subList(0, 2), true));
  }

  @Test
  void rowsMoveToTheirNewClassAndNewClassesKeepTheirFreshValues() {
    // Two input channels; the model has classes (x, y, z), the run (z, new, x).
    float[] model = {1, 2, 3, 10, 20, 30};
    float[] fresh = {-1, -2, -3, -4, -5, -6};
    assertArrayEquals(new float[] {3, -2, 1, 30, -5, 10},
        StartingWeights.mapRows(model, 3, fresh, 3, new int[] {2, -1, 0}));
  }
}
