package io.segvid.trainer.cli;

import io.segvid.trainer.export.ModelExporter;
import io.segvid.trainer.model.ExportedModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code segvid average-models A B ... --out OUT}: one model whose every weight (batch-norm statistics
 * included) is the mean of the given models' ("model soup", Wortsman et al. 2022). Models fine-tuned
 * from the same start with other seeds or recipes stay in one basin, and their mean tends to score like
 * their ensemble at the cost of one model; models trained from different starts do not average.
 */
@Command(name = "average-models", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Average the weights of segvid models of one architecture (fine-tuned from the same start).")
public final class AverageModelsCommand implements Callable<Integer> {

  @Parameters(arity = "2..*", paramLabel = "MODEL", description = "Two or more segvid SavedModel folders.")
  List<Path> models;
  @Option(names = "--out", required = true, description = "Where to write the averaged model.")
  Path out;

  @Override
  public Integer call() throws IOException {
    ExportedModel first = ExportedModel.read(models.get(0));
    Map<String, double[]> sum = new LinkedHashMap<>();  // double: the mean does not depend on the order
    first.weights().forEach((name, w) -> sum.put(name, toDouble(w)));
    for (Path p : models.subList(1, models.size())) {
      ExportedModel m = ExportedModel.read(p);
      if (!m.spec().equals(first.spec()) || !m.metadata().classes().equals(first.metadata().classes())) {
        throw new IllegalArgumentException(p + " has another architecture or other classes than " + models.get(0)
            + ": only models of one architecture and class list can be averaged");
      }
      m.weights().forEach((name, w) -> {
        double[] acc = sum.get(name);
        for (int i = 0; i < w.length; i++) acc[i] += w[i];
      });
    }
    Map<String, float[]> mean = new LinkedHashMap<>();
    sum.forEach((name, acc) -> {
      float[] w = new float[acc.length];
      for (int i = 0; i < w.length; i++) w[i] = (float) (acc[i] / models.size());
      mean.put(name, w);
    });
    ModelExporter.export(first.spec(), mean, first.metadata(), out);
    System.out.println("wrote " + out + ": the mean of " + models.size() + " models' weights (" + mean.size() + " tensors)");
    return 0;
  }

  private static double[] toDouble(float[] w) {
    double[] d = new double[w.length];
    for (int i = 0; i < w.length; i++) d[i] = w[i];
    return d;
  }
}
