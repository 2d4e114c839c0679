package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.segvid.trainer.export.ModelExporter;
import io.segvid.trainer.model.ExportedModel;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped model's rate-36 ASPP branch was trained on 32x32 feature maps, so its off-centre taps
 * decayed to ~1e-31: the serving graph computes it as a per-channel scale, without the space-to-batch
 * reshuffle its rate would cost, while rates 12 and 24 keep theirs. (That the served values are the
 * training graph's is {@link ServingGraphTest}'s to check.)
 */
class CentreTapTest {

  @TempDir
  Path tmp;

  @Test
  void aDilatedBranchWithOnlyItsCentreTapLeftRunsWithoutSpaceToBatch() throws Exception {
    ExportedModel shipped = ExportedModel.read(ServingGraphTest.MODEL);
    float[] rate36 = shipped.weights().get("aspp.b3.dw.weights");
    float[] rate24 = shipped.weights().get("aspp.b2.dw.weights");
    assertEquals(true, io.segvid.trainer.model.CentreTapProbe.centreOnly(rate36), "rate 36: off-centre taps decayed");
    assertEquals(false, io.segvid.trainer.model.CentreTapProbe.centreOnly(rate24), "rate 24: off-centre taps in use");

    Path exported = tmp.resolve("model");
    ModelExporter.export(shipped.spec(), shipped.weights(), shipped.metadata(), exported);
    // 2 and 4: the portable signature's dilated backbone; 12 and 24: the ASPP; no 36.
    assertEquals(Set.of(2, 4, 12, 24), AsppRatesTest.servedRates(exported), "space-to-batch rates in the served graph");
  }
}
