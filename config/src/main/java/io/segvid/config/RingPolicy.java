package io.segvid.config;

/**
 * What the ring does when it is full. LOSSLESS: the capture waits (files: every frame kept). LIVE:
 * the capture never waits; full-ring frames are dropped at the edge and stale queued frames are
 * skipped before inference, so the newest frame wins and latency cannot build up. AUTO: LIVE for
 * cameras and streams, LOSSLESS for files.
 */
public enum RingPolicy { AUTO, LOSSLESS, LIVE }
