package io.segvid.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.segvid.trainer.cli.EvaluateCommand;

/** evaluate run as the CLI would on the test frames, and the mIoU it printed. */
final class Evaluations {

  private Evaluations() { }

  /** What {@code evaluate --model MODEL --data FRAMES EXTRA...} prints; fails the test unless it exits 0. */
  static String printed(String model, String... extra) {
    String[] args = new String[4 + extra.length];
    System.arraycopy(new String[] {"--model", model, "--data", ServingGraphTest.FRAMES.toString()}, 0, args, 0, 4);
    System.arraycopy(extra, 0, args, 4, extra.length);
    return Cli.printed(() -> assertEquals(0, Cli.run(new EvaluateCommand(), args).code()));
  }

  /** The mIoU as evaluate printed it (four decimals). */
  static String miou(String printed) {
    return printed.lines().filter(l -> l.startsWith("mIoU")).findFirst().orElseThrow().split("\\s+")[1];
  }
}
