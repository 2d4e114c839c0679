package io.segvid.config;

/** Validation helpers whose messages name the offending key. */
final class Check {

  private Check() { }

  static int range(String key, int value, int min, int max) {
    if (value < min || value > max) throw new ConfigException(key + " must be in " + min + ".." + max + ", got " + value);
    return value;
  }

  static double range(String key, double value, double min, double max) {
    if (!(value >= min && value <= max)) throw new ConfigException(key + " must be in " + min + ".." + max + ", got " + value);
    return value;
  }

  static <T> T orDefault(T value, T fallback) {
    return value == null ? fallback : value;
  }
}
