package io.segvid.cli.bench;

import java.util.ArrayList;
import java.util.List;

/** Medians and rounding for the report. */
final class BenchMath {

  private BenchMath() { }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    java.util.Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  static double round(double v) {
    return round(v, 2);
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  static double mb(long bytes) {
    return round(bytes / 1048576.0, 1);
  }
}
