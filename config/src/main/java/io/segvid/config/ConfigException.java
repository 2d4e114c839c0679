package io.segvid.config;

/** A configuration problem, phrased for the user and naming the key. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
