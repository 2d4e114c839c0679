package io.segvid.trainer.cli;

import io.segvid.trainer.export.ModelExporter;
import io.segvid.trainer.model.ExportedModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code segvid optimize MODEL OUT}: re-exports a segvid model (an older export, or one with batch
 * norms in its serving graph) with the serving graph of today's exporter: batch norms folded into the
 * convolutions, bias and activation fused into dilated convolutions. Same weights, same outputs,
 * several times faster on hosts where oneDNN's stand-alone batch norm is slow.
 */
@Command(name = "optimize", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Rewrite a segvid model's serving graph for speed (batch norms folded); weights unchanged.")
public final class OptimizeCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "The segvid SavedModel folder to read.")
  Path model;
  @Parameters(index = "1", description = "Where to write the optimized model (may be the same folder).")
  Path out;

  @Override
  public Integer call() throws IOException {
    ExportedModel m = ExportedModel.read(model);
    ModelExporter.export(m.spec(), m.weights(), m.metadata(), out);
    System.out.println("wrote " + out + " (serving graph with batch norms folded, " + m.weights().size() + " tensors)");
    return 0;
  }
}
