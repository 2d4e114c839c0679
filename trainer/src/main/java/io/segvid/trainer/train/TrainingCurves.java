package io.segvid.trainer.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

/** Per-epoch loss, learning rate and validation mIoU, as curves.csv and curves.png in the run folder. */
public final class TrainingCurves {

  /** One epoch; {@code valMiou} is NaN when validation did not run that epoch. */
  public record Row(int epoch, double loss, double learningRate, double valMiou, double imagesPerSecond) { }

  private static final String HEADER = "epoch,train_loss,learning_rate,val_miou,images_per_second";

  private final Path csv;
  private final Path png;
  private final List<Row> rows = new ArrayList<>();

  public TrainingCurves(Path dir) throws IOException {
    csv = dir.resolve("curves.csv");
    png = dir.resolve("curves.png");
    if (Files.exists(csv)) {
      for (String line : Files.readAllLines(csv)) {
        if (line.isBlank() || line.startsWith("epoch")) continue;
        String[] f = line.split(",");
        rows.add(new Row(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
            f[3].isEmpty() ? Double.NaN : Double.parseDouble(f[3]), Double.parseDouble(f[4])));
      }
    }
  }

  /** Adds an epoch (replacing any row of the same epoch left by an interrupted run) and rewrites both files. */
  public void add(Row row) throws IOException {
    rows.removeIf(r -> r.epoch() >= row.epoch());
    rows.add(row);
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "%d,%.6f,%.8f,%s,%.2f%n", r.epoch(), r.loss(), r.learningRate(),
          Double.isNaN(r.valMiou()) ? "" : String.format(Locale.ROOT, "%.5f", r.valMiou()), r.imagesPerSecond()));
    }
    Path tmp = csv.resolveSibling("curves.csv.tmp");
    Files.writeString(tmp, sb);
    Files.move(tmp, csv, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    plot();
  }

  private void plot() throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(500).title("segvid training").xAxisTitle("epoch").build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    List<Double> x = new ArrayList<>();
    List<Double> loss = new ArrayList<>();
    List<Double> vx = new ArrayList<>();
    List<Double> miou = new ArrayList<>();
    for (Row r : rows) {
      x.add((double) r.epoch());
      loss.add(r.loss());
      if (!Double.isNaN(r.valMiou())) {
        vx.add((double) r.epoch());
        miou.add(r.valMiou());
      }
    }
    if (x.isEmpty()) return;
    chart.addSeries("train loss", x, loss);
    if (!vx.isEmpty()) chart.addSeries("val mIoU", vx, miou);
    BitmapEncoder.saveBitmap(chart, png.toString().replaceAll("\\.png$", ""), BitmapEncoder.BitmapFormat.PNG);
  }
}
