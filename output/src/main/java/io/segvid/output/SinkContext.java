package io.segvid.output;

import io.segvid.capture.SourceInfo;

/**
 * What a sink is told about its stream when it opens: which stream, a name for people (no
 * credentials), what the source delivers, and the stream's meters for sinks that show them.
 */
public record SinkContext(int id, String name, SourceInfo info, StreamMeters meters) { }
