package io.segvid.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs a segvid command in the test's JVM and keeps what it printed, for tests that read its output. */
final class InProcessCli {

  /** A finished command: its exit status, its stdout (summaries, listings) and its stderr (errors). */
  record Ran(int code, String out, String err) { }

  private InProcessCli() { }

  /**
   * Runs {@code args} as typed after {@code segvid}. Commands write their results with System.out, so
   * stdout is captured for the call; tests of one class run one at a time, which keeps that safe.
   */
  static Ran run(String... args) {
    StringWriter err = new StringWriter();
    PrintStream stdout = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true));
    try {
      int code = Segvid.execute(new PrintWriter(err, true), args);
      return new Ran(code, out.toString(), err.toString());
    } finally {
      System.setOut(stdout);
    }
  }
}
