package io.segvid.cluster;

import java.util.List;

/** One batch job as submitted: read {@code source}, write every sink; {@code id} names it everywhere. */
public record JobSpec(String id, String source, List<String> sinks, long submittedMillis) { }
