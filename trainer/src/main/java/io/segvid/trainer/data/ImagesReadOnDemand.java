package io.segvid.trainer.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * The images of a folder as a list that reads each pair from disk when it is asked for, then lets it go:
 * scoring a folder of large photos holds one at a time, not all of them. Each get reads again, so
 * callers go through it once (as evaluation does).
 */
public final class ImagesReadOnDemand extends AbstractList<LabelledImage> implements RandomAccess {

  /** What happens to each image once read (a check, a re-colouring); may refuse it. */
  @FunctionalInterface
  public interface Step {
    LabelledImage apply(LabelledImage image) throws IOException;
  }

  private final List<LabelledImageFolder.Pair> pairs;
  private final MaskColours colours;
  private final Step step;

  public ImagesReadOnDemand(List<LabelledImageFolder.Pair> pairs, MaskColours colours, Step step) {
    this.pairs = List.copyOf(pairs);
    this.colours = colours;
    this.step = step;
  }

  @Override
  public LabelledImage get(int index) {
    try {
      return step.apply(LabelledImageFolder.read(pairs.get(index), colours));
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  @Override
  public int size() {
    return pairs.size();
  }
}
