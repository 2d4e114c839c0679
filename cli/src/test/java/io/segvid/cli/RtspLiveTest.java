package io.segvid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real RTSP server (GStreamer) started and stopped here: pull, push, relay; the server
 * killed and restarted mid-run; the server frozen with SIGSTOP. segvid runs as its own process and
 * is watched through its browser view's metrics.
 */
class RtspLiveTest {

  @TempDir
  Path tmp;

  @Test
  void relaysRtspInToRtspOut() throws Exception {
    try (RtspServer server = RtspServer.start();
         SegvidProcess segvid = SegvidProcess.start(tmp.resolve("relay.log"), Map.of(),
             "--source", server.url("/test"), "--sink", server.url("/seg"))) {
      segvid.awaitMoreFrames("frames pulled from the server", 10, 60);
      // What segvid pushed comes back out of the server's /segout mount.
      int frames = 0;
      try (FFmpegFrameGrabber viewer = new FFmpegFrameGrabber(server.url("/segout"))) {
        viewer.setOption("rtsp_transport", "tcp");
        viewer.setOption("timeout", "10000000");
        viewer.start();
        assertEquals(640, viewer.getImageWidth());
        assertEquals(360, viewer.getImageHeight());
        long deadline = System.nanoTime() + 20_000_000_000L;
        Frame f;
        double lit = 0;
        try (OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat()) {
          while (frames < 10 && System.nanoTime() < deadline && (f = viewer.grabImage()) != null) {
            frames++;
            lit = litShare(conv.convert(f));
          }
        }
        // The source is a small ball on black: passed through unsegmented, almost nothing is lit; the
        // class colours blended over every pixel light most of the picture.
        assertTrue(lit > 0.5, "share of lit pixels in the relayed frame: " + lit + " (an overlay lights most of it)");
      }
      assertTrue(frames >= 10, "viewer got " + frames + " segmented frames");
      assertEquals(143, segvid.terminate(30), segvid.logText());
      assertTrue(segvid.logText().contains("frames in"), "summary on SIGTERM");
    }
  }

  /** Share of pixels with any channel above 40 (of 255). */
  static double litShare(org.bytedeco.opencv.opencv_core.Mat bgr) {
    long lit = 0;
    try (org.bytedeco.javacpp.indexer.UByteIndexer px = bgr.createIndexer()) {
      for (int y = 0; y < bgr.rows(); y++) {
        for (int x = 0; x < bgr.cols(); x++) {
          if (px.get(y, x, 0) > 40 || px.get(y, x, 1) > 40 || px.get(y, x, 2) > 40) lit++;
        }
      }
    }
    return (double) lit / ((long) bgr.rows() * bgr.cols());
  }

  @Test
  void survivesTheServerBeingKilledAndRestarted() throws Exception {
    try (RtspServer server = RtspServer.start();
         SegvidProcess segvid = SegvidProcess.start(tmp.resolve("restart.log"), Map.of(),
             "--source", server.url("/test"), "--sink", server.url("/seg"))) {
      segvid.awaitMoreFrames("frames before the kill", 10, 60);
      server.kill();
      segvid.await("the pipeline noticing the server is gone", 30, () -> segvid.logText().contains("reconnecting"));
      assertTrue(segvid.process.isAlive(), "the pipeline outlives its camera");
      long before = segvid.framesRendered();
      server.launch();  // same port
      long restarted = System.nanoTime();
      segvid.await("a frame after the restart", 20, () -> segvid.framesRendered() > before);
      double seconds = (System.nanoTime() - restarted) / 1e9;
      // Retries every ~1 s while the camera is away (target: frames again within 3 s of its return);
      // 4 s leaves room for a busy machine, the old 5 s backoff would often miss it.
      assertTrue(seconds < 4, "frames flowed again " + seconds + " s after the server returned");
      segvid.await("frames after the restart", 20, () -> segvid.framesRendered() >= before + 10);
      // The RTSP sink lost the same server: it must publish again, so a viewer gets segmented frames.
      int viewed = 0;
      try (FFmpegFrameGrabber viewer = new FFmpegFrameGrabber(server.url("/segout"))) {  // /seg re-served
        viewer.setOption("rtsp_transport", "tcp");
        viewer.setOption("timeout", "10000000");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (viewed == 0 && System.nanoTime() < deadline) {
          try {
            viewer.start();
          } catch (FrameGrabber.Exception notYetPublished) {
            Thread.sleep(200);
            continue;
          }
          while (viewed < 5 && System.nanoTime() < deadline && viewer.grabImage() != null) viewed++;
        }
      }
      assertTrue(viewed >= 5, "viewer got " + viewed + " frames from the re-published sink: " + segvid.logText());
      assertTrue(segvid.process.isAlive(), "the pipeline never exited");
      assertEquals(143, segvid.terminate(30));
      String log = segvid.logText();
      assertTrue(log.matches("(?s).*[1-9]\\d* disconnects.*"), log);
    }
  }

  @Test
  void watchdogDetectsAFrozenServer() throws Exception {
    Path cfg = tmp.resolve("live.yaml");
    java.nio.file.Files.writeString(cfg, "live:\n  stall_seconds: 2\n  timeout_seconds: 30\n");
    try (RtspServer server = RtspServer.start();
         SegvidProcess segvid = SegvidProcess.start(tmp.resolve("frozen.log"), Map.of(), "--config", cfg.toString(),
             "--source", server.url("/test"))) {
      segvid.awaitMoreFrames("frames before the freeze", 10, 60);
      server.freeze();
      long frozen = System.nanoTime();
      // With a 30 s socket timeout only the watchdog can notice within seconds.
      segvid.await("stall detected", 10, () -> segvid.logText().contains("no frame for"));
      assertTrue((System.nanoTime() - frozen) / 1e9 < 8);
      server.resume();
      segvid.awaitMoreFrames("frames after the server resumed", 10, 30);
      assertEquals(143, segvid.terminate(30), "stops cleanly even after a stall");
    }
  }

  @Test
  void credentialsNeverShowAndDurationEndsTheRun() throws Exception {
    try (RtspServer server = RtspServer.start()) {
      String url = server.url("/test").replace("rtsp://", "rtsp://operator:s3cr3t-pw@");
      try (SegvidProcess segvid = SegvidProcess.start(tmp.resolve("pull.log"), Map.of(), "--source", url, "--duration", "6")) {
        segvid.awaitMoreFrames("frames pulled", 20, 60);
        String page = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + segvid.httpPort + "/")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        String metrics = segvid.metrics().toString();
        assertTrue(segvid.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "--duration ends the run");
        assertEquals(0, segvid.process.exitValue(), segvid.logText());
        for (String text : new String[] {page, metrics, segvid.logText()}) {
          assertTrue(!text.contains("s3cr3t-pw"), "password leaked: " + text);
        }
        assertTrue(page.contains("rtsp://***@127.0.0.1"), "the page names the stream without credentials");
      }
    }
  }
}
