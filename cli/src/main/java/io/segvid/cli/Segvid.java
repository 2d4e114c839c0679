package io.segvid.cli;

import io.segvid.trainer.cli.AverageModelsCommand;
import io.segvid.trainer.cli.CompareCommand;
import io.segvid.trainer.cli.EvaluateCommand;
import io.segvid.trainer.cli.OptimizeCommand;
import io.segvid.trainer.cli.SegmentImagesCommand;
import io.segvid.trainer.cli.TrainCommand;
import io.segvid.config.NativeLibraryError;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./segvid}. Errors end as one line on stderr and a non-zero exit, never a stack trace. */
@Command(name = "segvid", mixinStandardHelpOptions = true, version = "segvid 0.1.0",
    description = "Real-time video semantic segmentation (DeepLabV3+, TensorFlow Java, JavaCV).",
    subcommands = {RunCommand.class, DemoCommand.class, BenchCommand.class, TrainCommand.class, EvaluateCommand.class, CompareCommand.class,
        SegmentImagesCommand.class, OptimizeCommand.class, AverageModelsCommand.class, WorkerCommand.class,
        SubmitCommand.class, JobsCommand.class, CamerasCommand.class,
        CommandLine.HelpCommand.class})
public final class Segvid {

  public static void main(String[] args) {
    // FFmpeg's chatter is noise for users: joining a live stream mid-GOP alone logs an "error" per
    // frame until the first keyframe. segvid reports what fails itself, in one line;
    // SEGVID_DEBUG=1 shows FFmpeg's own log (and stack traces).
    org.bytedeco.ffmpeg.global.avutil.av_log_set_level(
        System.getenv("SEGVID_DEBUG") != null ? org.bytedeco.ffmpeg.global.avutil.AV_LOG_INFO : org.bytedeco.ffmpeg.global.avutil.AV_LOG_FATAL);
    int status;
    try {
      status = execute(args);
    } catch (LinkageError e) {  // a native library that cannot load: picocli passes Errors through
      System.err.println("segvid: " + NativeLibraryError.describe(e));
      if (System.getenv("SEGVID_DEBUG") != null) e.printStackTrace();
      status = 1;
    }
    System.exit(status);
  }

  public static int execute(String... args) {
    return execute(new CommandLine(new Segvid()), args);
  }

  /** For tests: runs with the given error stream. */
  public static int execute(PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Segvid());
    cli.setErr(err);
    return execute(cli, args);
  }

  private static int execute(CommandLine cli, String... args) {
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": "
          + (NativeLibraryError.isNativeLoadFailure(e) ? NativeLibraryError.describe(e) : describe(e)));
      if (System.getenv("SEGVID_DEBUG") != null) e.printStackTrace(cmd.getErr());
      return 1;
    });
    cli.setParameterExceptionHandler((e, a) -> {
      PrintWriter err = e.getCommandLine().getErr();
      String name = e.getCommandLine().getCommandSpec().qualifiedName();
      err.println(name + ": " + e.getMessage() + " (see: " + name + " --help)");
      return 2;
    });
    return cli.execute(args);
  }

  /** The most useful single line of an exception chain. */
  static String describe(Throwable e) {
    Throwable t = e;
    while ((t.getMessage() == null || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    if (t instanceof java.nio.file.NoSuchFileException) m = "no such file: " + m;
    if (t instanceof java.nio.file.AccessDeniedException) m = "permission denied: " + m;
    // Kafka clients that cannot be built say only "Failed to create new KafkaAdminClient"; the why is the cause.
    if (t instanceof org.apache.kafka.common.KafkaException && t.getCause() != null && t.getCause().getMessage() != null) {
      m = m + ": " + t.getCause().getMessage();
    }
    return m.lines().filter(l -> !l.isBlank()).findFirst().orElse(m).strip();
  }
}
