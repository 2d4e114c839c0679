package io.segvid.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * The test RTSP server (GStreamer gst-rtsp-server, src/test/resources/rtsp_server.py) as a process
 * the tests start, kill, freeze and resume by PID.
 */
final class RtspServer implements AutoCloseable {

  static final Path SCRIPT = Path.of("src/test/resources/rtsp_server.py");

  private static final int KEPT_LINES = 20;

  final int port;
  private Process process;
  /** The server's last lines (GStreamer prints its assertion there before it aborts). */
  private final Deque<String> lastLines = new ArrayDeque<>();

  RtspServer(int port) {
    this.port = port;
  }

  /** On a free port; another if the one chosen is taken before the server binds it. */
  static RtspServer start() throws Exception {
    for (int attempt = 1; ; attempt++) {
      RtspServer s = new RtspServer(freePort());
      try {
        s.launch();
        return s;
      } catch (IllegalStateException e) {
        s.close();
        if (attempt == 3) throw e;
      }
    }
  }

  String url(String mount) {
    return "rtsp://127.0.0.1:" + port + mount;
  }

  void launch() throws Exception {
    process = new ProcessBuilder("/usr/bin/python3", SCRIPT.toString(), Integer.toString(port))
        .redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream()));
    String line = FirstLine.of(process, out, 30, "the RTSP server");
    if (!"ready".equals(line)) throw new IllegalStateException("RTSP server did not start: " + line);
    Thread drain = new Thread(() -> {
      try {
        for (String l; (l = out.readLine()) != null; ) {
          synchronized (lastLines) {
            if (lastLines.size() == KEPT_LINES) lastLines.removeFirst();
            lastLines.addLast(l);
          }
        }
      } catch (IOException ignored) {
        // server gone
      }
    });
    drain.setDaemon(true);
    drain.start();
  }

  /** Whether it still runs (or how it ended) and what it printed last: for a failing test's message. */
  String describe() {
    String state = process.isAlive() ? "running" : "exited with " + process.exitValue();
    synchronized (lastLines) {
      return "RTSP server on port " + port + ": " + state + (lastLines.isEmpty() ? "" : "; last lines:\n" + String.join("\n", lastLines));
    }
  }

  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  void freeze() throws Exception {
    signal("STOP");
  }

  void resume() throws Exception {
    signal("CONT");
  }

  private void signal(String name) throws Exception {
    new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    if (process != null && process.isAlive()) {
      resume();
      kill();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
