package io.segvid.trainer.cli;

import io.segvid.trainer.data.ClassWeights;
import io.segvid.trainer.data.ImagesReadOnDemand;
import io.segvid.trainer.data.LabelCheck;
import io.segvid.trainer.data.LabelledImageFolder;
import io.segvid.trainer.data.MaskColours;
import io.segvid.trainer.export.ModelExporter;
import io.segvid.trainer.model.ExportedModel;
import io.segvid.trainer.model.LogitAdjustment;
import io.segvid.trainer.model.ModelSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code segvid optimize MODEL OUT}: re-exports a segvid model (an older export, or one with batch
 * norms in its serving graph) with the serving graph of today's exporter: batch norms folded into the
 * convolutions, bias and activation fused into dilated convolutions. Same weights, same outputs,
 * several times faster on hosts where oneDNN's stand-alone batch norm is slow. With
 * {@code --logit-adjustment TAU --data DIR} it also sets the class offsets a model trained with
 * median-frequency class weights on DIR calls for (models trained before the option had none).
 */
@Command(name = "optimize", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Rewrite a segvid model's serving graph for speed (batch norms folded); weights unchanged.")
public final class OptimizeCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "The segvid SavedModel folder to read.")
  Path model;
  @Parameters(index = "1", description = "Where to write the optimized model (may be the same folder).")
  Path out;
  @Option(names = "--logit-adjustment", paramLabel = "TAU", description = "Set the model's class offsets to "
      + "-TAU*ln(weight) of the median-frequency class weights of --data (0: remove them); default: keep the model's.")
  Float logitAdjustment;
  @Option(names = "--data", description = "The images/ and masks/ the model was trained on (with --logit-adjustment).")
  Path data;

  @Override
  public Integer call() throws IOException {
    if (logitAdjustment != null) LogitAdjustment.requireStrength(logitAdjustment);
    if (logitAdjustment != null && logitAdjustment > 0 && data == null) {
      throw new IllegalArgumentException("--logit-adjustment needs --data: the folder the model was trained on");
    }
    ExportedModel m = ExportedModel.read(model);
    ModelSpec spec = m.spec();
    if (logitAdjustment != null) {
      float[] weights = logitAdjustment == 0 ? null : trainingClassWeights(m);
      spec = spec.withClassOffsets(weights == null ? null : LogitAdjustment.offsets(weights, logitAdjustment));
      System.out.println(spec.classOffsets() == null ? "no class offsets"
          : "class offsets (logit adjustment " + logitAdjustment + "): " + spec.classOffsets());
    }
    ModelExporter.export(spec, m.weights(), m.metadata(), out);
    System.out.println("wrote " + out + " (serving graph with batch norms folded, " + m.weights().size() + " tensors)");
    return 0;
  }

  private float[] trainingClassWeights(ExportedModel m) throws IOException {
    int numClasses = m.metadata().numClasses();
    int ignore = EvaluateCommand.ignoreIdOf(m.metadata(), null);
    List<LabelledImageFolder.Pair> pairs = LabelledImageFolder.pairs(data);
    var images = new ImagesReadOnDemand(pairs, MaskColours.near(data), img -> {
      LabelCheck.requireKnownIds(List.of(img), numClasses, ignore, data.toString());
      return img;
    });
    return ClassWeights.medianFrequency(images, numClasses);
  }
}
