package io.segvid.trainer;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs one of the trainer's commands as the CLI would and keeps what it printed as errors. */
record Cli(int code, String err) {

  static Cli run(Object command, String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(command);
    cli.setErr(new PrintWriter(err, true));
    // One line per failure, as segvid prints it, instead of picocli's stack trace.
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println(e.getMessage());
      return 1;
    });
    return new Cli(cli.execute(args), err.toString());
  }

  /** What {@code body} prints to standard output (commands report progress and results there). */
  static String printed(Runnable body) {
    java.io.PrintStream old = System.out;
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setOut(old);
    }
    return buf.toString(java.nio.charset.StandardCharsets.UTF_8);
  }
}
