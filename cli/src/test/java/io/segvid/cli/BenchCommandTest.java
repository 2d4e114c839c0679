package io.segvid.cli;

import io.segvid.testkit.Media;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code segvid bench} on a short clip of the sample: every figure the benchmark promises is in the
 * JSON and is a plausible number. It asserts no speed: those are the command's to print, not a test's.
 */
class BenchCommandTest {

  /** The trainer's tiny labelled set (three CamVid frames), from the module beside this one. */
  private static final Path CAMVID_MINI = Path.of("../trainer/src/test/resources/camvid-mini");

  @TempDir
  Path tmp;

  @Test
  void writesEveryFigure() throws Exception {
    Path clip = tmp.resolve("clip.mkv");
    int frames = Media.reencode(Media.VIDEO, clip, "matroska", org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MPEG4, 48);
    // A second, much smaller model to --compare: one epoch of the trainer's own test frames.
    Path small = tmp.resolve("small");
    StringWriter trainErr = new StringWriter();
    assertEquals(0, Segvid.execute(new PrintWriter(trainErr, true), "train", "--data", CAMVID_MINI.toString(),
        "--out", small.toString(), "--epochs", "1", "--batch", "2", "--crop", "64x64", "--width", "0.35", "--output-stride", "16",
        "--aspp-channels", "16", "--decoder-channels", "16"), trainErr.toString());
    Path json = tmp.resolve("bench.json");
    StringWriter err = new StringWriter();
    int code = Segvid.execute(new PrintWriter(err, true), "bench", "--source", clip.toString(), "--model",
        Media.MODEL.toString(), "--rounds", "1", "--streams", "2", "--work", tmp.resolve("work").toString(),
        "--json", json.toString(), "--compare", small.resolve("model").toString());
    assertEquals(0, code, err.toString());
    JsonNode r = new ObjectMapper().readTree(json.toFile());
    assertEquals(frames, r.get("frames").asInt());
    for (String fps : List.of("model_only_fps", "sequential_fps", "pipeline_fps", "multi_stream_fps", "cpu_bound_fps")) {
      assertTrue(r.get(fps).asDouble() > 0.5, fps + " = " + r.get(fps));
    }
    // The pipeline runs the same model plus decode, render and encode on the same cores: it cannot
    // beat the model alone by more than noise.
    double ratio = r.get("pipeline_vs_model_only").asDouble();
    assertTrue(ratio > 0.05 && ratio < 1.3, "pipeline_vs_model_only " + ratio);
    // The frame path reuses its buffers: a per-frame image copy (>= 390 KB at 272x480x3) would show.
    long alloc = r.get("alloc_bytes_per_frame").asLong();
    assertTrue(alloc > 0 && alloc < 64 * 1024, "heap allocated per frame: " + alloc);
    // Resident memory is read from the OS: a JVM with the model loaded holds more than 100 MB. No growth is
    // asserted: earlier tests in this JVM may already have loaded the model and its native libraries.
    for (String rss : List.of("rss_start_mb", "rss_end_mb")) {
      double mb = r.get(rss).asDouble();
      assertTrue(mb > 100 && mb < 64 * 1024, rss + " = " + mb);
    }
    // The shipped model at 272x480 (the sample's 540x960 scaled): 4.57 GFLOP at 360x480, scaled by area.
    assertEquals(4.57 * 272 / 360, r.get("model_gflop_per_frame").asDouble(), 0.1, r.toString());
    // The shipped model carries the native-dilation signature, and oneDNN (TensorFlow's x86 build) takes it.
    assertEquals(io.segvid.inference.NativeDilation.SIGNATURE, r.get("signature").asText());
    double peak = r.get("dense_peak_gflops").asDouble();
    assertTrue(peak > 5, "dense peak " + peak);
    assertEquals(r.get("model_gflop_per_frame").asDouble() * r.get("model_only_fps").asDouble() / peak,
        r.get("model_vs_peak").asDouble(), 0.01);
    for (String stage : List.of("capture", "inference", "render", "sink:file", "capture_to_rendered")) {
      assertTrue(r.get("latency_ms").get(stage).get("p50").asDouble() > 0, stage + ": " + r.get("latency_ms"));
    }
    // The compared model is timed as itself: its own FLOP count (a fraction of the default's) and
    // its own fps, with the ratio to the default's.
    JsonNode compared = r.get("compared").get(0);
    assertEquals(small.resolve("model").toString(), compared.get("model").asText());
    double smallGflop = compared.get("model_gflop_per_frame").asDouble();
    assertTrue(smallGflop > 0 && smallGflop < r.get("model_gflop_per_frame").asDouble() / 4, compared.toString());
    assertTrue(compared.get("model_only_fps").asDouble() > 0.5, compared.toString());
    assertEquals(compared.get("model_only_fps").asDouble() / r.get("model_only_fps").asDouble(),
        compared.get("vs_model_only").asDouble(), 0.01, compared.toString());
    JsonNode cpu = r.get("cpu_ms_per_frame_by_thread");
    assertTrue(cpu.has("segvid-inference") && cpu.has("segvid-render"), cpu.toString());
    // The process does at least the work of its frame-path threads.
    double threads = 0;
    for (JsonNode v : cpu) threads += v.asDouble();
    assertTrue(r.get("pipeline_cpu_ms_per_frame").asDouble() >= threads * 0.95, r.toString());
    assertTrue(r.get("model_only_cpu_ms_per_frame").asDouble() > 1, r.toString());
    double cores = r.get("pipeline_cores_used").asDouble();
    assertTrue(cores > 0.2 && cores <= r.get("cpus").asInt() + 0.05, "cores used: " + cores);
  }
}
