package io.segvid.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * live: network and camera sources. Every network read has a timeout; a disconnect is retried with
 * exponential backoff between {@code reconnect_initial_ms} and {@code reconnect_max_ms}, forever
 * unless {@code reconnect_attempts} is set; a source that delivers no frame for {@code stall_seconds}
 * is abandoned and reopened.
 */
public record LiveConfig(
    @JsonProperty("transport") String transport,
    @JsonProperty("timeout_seconds") Double timeoutSeconds,
    @JsonProperty("reconnect_initial_ms") Integer reconnectInitialMs,
    @JsonProperty("reconnect_max_ms") Integer reconnectMaxMs,
    @JsonProperty("reconnect_attempts") Integer reconnectAttempts,
    @JsonProperty("stall_seconds") Double stallSeconds) {

  public LiveConfig {
    transport = Check.orDefault(transport, "tcp");
    if (!transport.equals("tcp") && !transport.equals("udp")) {
      throw new ConfigException("live.transport must be tcp or udp, got '" + transport + "'");
    }
    timeoutSeconds = Check.range("live.timeout_seconds", Check.orDefault(timeoutSeconds, 2.0), 0.1, 600.0);
    reconnectInitialMs = Check.range("live.reconnect_initial_ms", Check.orDefault(reconnectInitialMs, 250), 10, 600_000);
    reconnectMaxMs = Check.range("live.reconnect_max_ms", Check.orDefault(reconnectMaxMs, 1_000), 10, 3_600_000);
    if (reconnectMaxMs < reconnectInitialMs) throw new ConfigException("live.reconnect_max_ms must be >= live.reconnect_initial_ms");
    reconnectAttempts = Check.range("live.reconnect_attempts", Check.orDefault(reconnectAttempts, 0), 0, Integer.MAX_VALUE);
    stallSeconds = Check.range("live.stall_seconds", Check.orDefault(stallSeconds, 5.0), 0.5, 3600.0);
  }

  public static LiveConfig defaults() {
    return new LiveConfig(null, null, null, null, null, null);
  }
}
