package io.segvid.cli;

import io.segvid.cluster.CameraDirectory;
import io.segvid.cluster.CameraStatus;
import io.segvid.cluster.KafkaFrameSink;
import io.segvid.config.LiveConfig;
import io.segvid.config.RecordingConfig;
import io.segvid.output.Sinks;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code segvid cameras add|remove|list}: the live cameras the worker group runs. */
@Command(name = "cameras", mixinStandardHelpOptions = true,
    description = "Live cameras run by the workers: add ID --source URL --sink ..., remove ID, list.",
    subcommands = {CamerasCommand.Add.class, CamerasCommand.Remove.class, CamerasCommand.ListCameras.class})
public final class CamerasCommand {

  @Command(name = "add", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Add a camera (or replace the definition of one with this id); a worker starts it.")
  static final class Add implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;
    @Parameters(index = "0", paramLabel = "ID", description = "Camera id: letters, digits, '.', '_', '-'.")
    String id;
    @Option(names = "--source", required = true, description = "rtsp://, http(s)://, udp://... the workers can reach.")
    String source;
    @Option(names = "--sink", required = true,
        description = "rtsp://HOST/PATH, kafka://HOST:PORT/TOPIC, file:PATH, stats:FILE.jsonl... (repeatable).")
    List<String> sinks = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      for (String sink : sinks) check(sink);
      try (CameraDirectory cameras = new CameraDirectory(kafka.oneShotSettings())) {
        cameras.add(id, source, sinks);
      }
      System.out.println(id);
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a camera; its worker stops it.")
  static final class Remove implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    public Integer call() throws Exception {
      try (CameraDirectory cameras = new CameraDirectory(kafka.oneShotSettings())) {
        if (!cameras.remove(id)) throw new IllegalArgumentException("no camera '" + id + "'");
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Every camera: id, state, worker, source, error.")
  static final class ListCameras implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
      try (CameraDirectory cameras = new CameraDirectory(kafka.oneShotSettings())) {
        for (CameraDirectory.Listed c : cameras.list()) System.out.println(line(c));
      }
      return 0;
    }
  }

  /** Refuses a sink the workers could not make, here, before it is on the topic (opens nothing). */
  static void check(String sink) {
    if (sink.startsWith(KafkaFrameSink.SCHEME)) KafkaFrameSink.parse(sink, new java.util.Properties());
    else Sinks.parse(sink, RecordingConfig.defaults(), LiveConfig.defaults(), () -> { });  // its paths are the workers', not checked here
  }

  static String line(CameraDirectory.Listed c) {
    CameraStatus s = c.status();
    String state = s == null ? "waiting for a worker" : s.state().name().toLowerCase(Locale.ROOT) + " on " + s.worker();
    String error = s != null && s.error() != null ? " error: " + s.error() : "";
    long now = System.currentTimeMillis();
    if (s != null && s.overdue(now)) {
      state += " (no report for " + (now - s.updatedMillis()) / 1000 + " s: its worker may be gone; the camera moves"
          + " when the group notices)";
    }
    return c.spec().id() + " " + state + " " + c.spec().source() + " -> " + String.join(" ", c.spec().sinks()) + error;
  }
}
