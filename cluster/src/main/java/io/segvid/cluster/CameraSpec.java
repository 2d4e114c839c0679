package io.segvid.cluster;

import java.util.List;

/** One live camera as added by an operator: read {@code source}, write every sink, for as long as it is listed. */
public record CameraSpec(String id, String source, List<String> sinks, long addedMillis) { }
