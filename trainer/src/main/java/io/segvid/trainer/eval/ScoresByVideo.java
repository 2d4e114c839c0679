package io.segvid.trainer.eval;

import io.segvid.trainer.data.VideoStems;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Confusion counts per video, the video told by the image's name without its frame number
 * ({@link VideoStems}): an evaluation over frames of several videos shows which of them the model
 * handles badly (the ones like those it trained on score well, others may not).
 */
public final class ScoresByVideo {

  /** Where images whose names carry no frame number go. */
  public static final String UNNAMED = "(no frame number)";

  /** One video's counts and how many of its images were scored. */
  public static final class Video {
    private final ConfusionMatrix confusion;
    private int images;

    Video(ConfusionMatrix confusion) {
      this.confusion = confusion;
    }

    public ConfusionMatrix confusion() {
      return confusion;
    }

    public int images() {
      return images;
    }
  }

  private final int numClasses;
  private final int ignoreId;
  private final Map<String, Video> videos = new TreeMap<>();

  public ScoresByVideo(int numClasses, int ignoreId) {
    this.numClasses = numClasses;
    this.ignoreId = ignoreId;
  }

  /** Adds one image, named as in its folder. */
  public void add(String imageName, byte[] truth, byte[] predicted) {
    String stem = VideoStems.stem(imageName);
    Video video = videos.computeIfAbsent(stem == null ? UNNAMED : stem,
        k -> new Video(new ConfusionMatrix(numClasses, ignoreId)));
    video.confusion.add(truth, predicted);
    video.images++;
  }

  /** Video names in order. */
  public List<String> names() {
    return List.copyOf(videos.keySet());
  }

  public Video video(String name) {
    return videos.get(name);
  }
}
