package io.segvid.cluster;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A job's file outputs are written under temporary names beside their final ones and renamed when
 * the job is complete, so a final name only ever holds a whole output. A worker that died mid-job
 * leaves its temporary files behind; whoever redoes the job removes them first.
 *
 * <p>Temporary name: {@code .NAME.segvid-tmp-WORKER.EXT} (the extension kept, as the recorder picks
 * the container by it).
 */
final class TempOutputs {

  private static final String MARK = ".segvid-tmp-";

  /** A sink's final path and the temporary one it is written to. */
  record Output(Path target, Path temp) { }

  private final List<Output> outputs = new ArrayList<>();
  private final List<String> sinks = new ArrayList<>();

  /**
   * Maps each file sink of a job to a temporary one (results on Kafka pass through, tagged with the
   * job id). Only file outputs can be made atomic: a job naming a window, a network stream or a page
   * is refused with a one-line reason.
   */
  TempOutputs(List<String> jobSinks, String worker, String jobId) {
    for (String sink : jobSinks) {
      if (sink.startsWith(KafkaFrameSink.SCHEME)) {
        // Records, not a file: they carry the job id, and a redone job's duplicates the same frame index.
        sinks.add(sink.contains("job=") ? sink : sink + (sink.contains("?") ? "&" : "?") + "job=" + jobId);
        continue;
      }
      int colon = sink.indexOf(':');
      String kind = colon < 0 ? sink : sink.substring(0, colon);
      if (!List.of("file", "masks", "stats").contains(kind)) {
        throw new IllegalArgumentException("sink '" + sink + "' cannot be a batch job's output (use file:, masks:, stats: or kafka://)");
      }
      Path target = Path.of(sink.substring(colon + 1)).toAbsolutePath().normalize();
      Path temp = target.resolveSibling(tempName(target.getFileName().toString(), worker));
      outputs.add(new Output(target, temp));
      sinks.add(kind + ":" + temp);
    }
  }

  private static String tempName(String name, String worker) {
    int dot = name.lastIndexOf('.');
    String safeWorker = worker.replaceAll("[^A-Za-z0-9_-]", "_");
    return dot <= 0 ? "." + name + MARK + safeWorker : "." + name.substring(0, dot) + MARK + safeWorker + name.substring(dot);
  }

  /** The sinks to run the pipeline with. */
  List<String> sinks() {
    return sinks;
  }

  /** Removes what an earlier attempt of these outputs left (any worker's), and this attempt's own. */
  void clean() throws IOException {
    for (Output o : outputs) {
      Path dir = o.target().getParent();
      if (!Files.isDirectory(dir)) continue;
      String name = o.target().getFileName().toString();
      int dot = name.lastIndexOf('.');
      String prefix = "." + (dot <= 0 ? name : name.substring(0, dot)) + MARK;
      try (DirectoryStream<Path> stale = Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(prefix))) {
        for (Path p : stale) delete(p);
      }
    }
  }

  /** Renames every temporary output to its final name; each rename is atomic. */
  void promote() throws IOException {
    for (Output o : outputs) {
      if (Files.isDirectory(o.target())) delete(o.target());  // a mask folder of an earlier run
      Files.move(o.temp(), o.target(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void delete(Path p) throws IOException {
    if (Files.isDirectory(p)) {
      try (Stream<Path> tree = Files.walk(p)) {
        for (Path q : tree.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
      }
    } else {
      Files.deleteIfExists(p);
    }
  }
}
