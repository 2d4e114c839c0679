package io.segvid.cli;

import io.segvid.testkit.Media;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live MPEG-TS stream over UDP, as encoders and SRT/UDP gateways send it, joined mid-GOP: no SDP
 * announces the picture size, so it is only known at the next keyframe, seconds in.
 */
class NetworkStreamTest {

  @TempDir
  Path tmp;

  @Test
  void udpTransportStreamJoinedMidGopIsSegmented() throws Exception {
    DatagramSocket probe = new DatagramSocket(0);
    int port = probe.getLocalPort();
    // 720p at 6 Mbit/s with a keyframe every 3 s: a brief probe (32 KB, ~40 ms) almost never sees one.
    Process publisher = new ProcessBuilder("gst-launch-1.0", "-q", "videotestsrc", "is-live=true", "pattern=smpte",
        "!", "video/x-raw,width=1280,height=720,framerate=25/1", "!", "openh264enc", "bitrate=6000000", "gop-size=75",
        "!", "h264parse", "!", "mpegtsmux", "!", "udpsink", "host=127.0.0.1", "port=" + port)
        .redirectErrorStream(true).redirectOutput(tmp.resolve("publisher.log").toFile()).start();
    try {
      // Wait for the publisher's first datagram on the port, then hand the port to segvid.
      try (probe) {
        probe.setSoTimeout(30_000);
        probe.receive(new java.net.DatagramPacket(new byte[2048], 2048));
      } catch (java.net.SocketTimeoutException e) {
        throw new AssertionError("publisher sent nothing in 30 s: " + Files.readString(tmp.resolve("publisher.log")));
      }
      Path stats = tmp.resolve("udp.jsonl");
      StringWriter err = new StringWriter();
      int code = Segvid.execute(new PrintWriter(err, true), "run", "--model", Media.MODEL.toString(),
          "--source", "udp://127.0.0.1:" + port, "--sink", "stats:" + stats, "--duration", "8", "--no-progress");
      assertEquals(0, code, err.toString());
      List<String> lines = Files.readAllLines(stats);
      assertTrue(lines.size() >= 10, lines.size() + " frames segmented");
      assertTrue(lines.get(0).contains("\"fractions\""), lines.get(0));
    } finally {
      publisher.destroyForcibly();
      publisher.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
