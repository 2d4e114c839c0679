package io.segvid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segvid.cluster.CameraDirectory;
import io.segvid.cluster.CameraSpec;
import io.segvid.cluster.CameraStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What `segvid cameras list` prints for a camera, including one whose worker stopped reporting. */
class CamerasListTest {

  private static final CameraSpec SPEC = new CameraSpec("gate", "rtsp://10.0.0.9/gate", List.of("stats:-"), 1);

  @Test
  void runningCameraWithRecentReport() {
    long now = System.currentTimeMillis();
    CameraStatus s = new CameraStatus("gate", CameraStatus.State.RUNNING, "w1", SPEC.source(), null, now - 60_000, now - 2_000);
    assertEquals("gate running on w1 rtsp://10.0.0.9/gate -> stats:-", CamerasCommand.line(new CameraDirectory.Listed(SPEC, s)));
  }

  @Test
  void runningCameraWhoseWorkerWentQuietIsFlagged() {
    long now = System.currentTimeMillis();
    CameraStatus s = new CameraStatus("gate", CameraStatus.State.RUNNING, "w1", SPEC.source(), null, now - 90_000, now - 45_000);
    String line = CamerasCommand.line(new CameraDirectory.Listed(SPEC, s));
    assertTrue(line.startsWith("gate running on w1 (no report for 45 s: its worker may be gone"), line);
  }

  @Test
  void cameraNoWorkerTookYet() {
    assertEquals("gate waiting for a worker rtsp://10.0.0.9/gate -> stats:-",
        CamerasCommand.line(new CameraDirectory.Listed(SPEC, null)));
  }
}
