package io.segvid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** During a run, the Prometheus endpoint serves the stage meters, drop counters, ring and memory gauges. */
class MetricsEndpointTest {

  @TempDir
  Path tmp;

  @Test
  void prometheusEndpointServesStageMetersDuringARun() throws Exception {
    int port = RtspServer.freePort();
    try (SegvidProcess segvid = SegvidProcess.start(tmp.resolve("metrics.log"), Map.of(),
        "--source", "lavfi:testsrc2=size=320x240:rate=25", "--metrics-port", Integer.toString(port))) {
      segvid.awaitMoreFrames("frames", 10, 60);
      String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      for (String stage : new String[] {"capture", "inference", "render", "sink:http"}) {
        Matcher m = Pattern.compile("segvid_stage_latency_seconds_count\\{[^}]*stage=\"" + Pattern.quote(stage)
            + "\"[^}]*stream=\"0\"[^}]*} (\\d+)").matcher(text);
        assertTrue(m.find(), "timer of stage " + stage + " in:\n" + text);
        assertTrue(Long.parseLong(m.group(1)) > 0, "stage " + stage + " has recorded frames");
      }
      assertTrue(text.contains("segvid_stage_latency_seconds{") && text.contains("quantile=\"0.99\""), "percentiles");
      assertTrue(Pattern.compile("segvid_frames_dropped_total\\{reason=\"stale\",stream=\"0\"}").matcher(text).find());
      assertTrue(Pattern.compile("segvid_frames_rendered_total\\{stream=\"0\"} [1-9]").matcher(text).find());
      assertTrue(text.contains("segvid_ring_occupancy "), "ring occupancy");
      assertTrue(Pattern.compile("segvid_process_resident_memory_bytes [1-9]").matcher(text).find(), "native memory");
      assertTrue(text.contains("jvm_memory_used_bytes{"), "JVM memory");
      assertEquals(143, segvid.terminate(30));
    }
  }
}
