package io.segvid.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** ring: slots (a power of two) and the full-ring policy. */
public record RingConfig(@JsonProperty("size") Integer size, @JsonProperty("policy") RingPolicy policy) {

  public RingConfig {
    size = Check.range("ring.size", Check.orDefault(size, 32), 4, 4096);
    if (Integer.bitCount(size) != 1) throw new ConfigException("ring.size must be a power of two, got " + size);
    policy = Check.orDefault(policy, RingPolicy.AUTO);
  }

  public static RingConfig defaults() {
    return new RingConfig(null, null);
  }
}
