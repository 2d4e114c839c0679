package io.segvid.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.segvid.inference.ConvolutionMath.Amx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What evaluate, compare and bench print beside their timings. */
class ConvolutionMathTest {

  @Test
  void namesTheMathOneDnnWasToldToUse() {
    assertEquals("float32", ConvolutionMath.of(null, null, Amx.PRESENT));
    assertEquals("float32", ConvolutionMath.of("STRICT", "1", Amx.PRESENT));
    assertEquals("oneDNN fpmath bf16", ConvolutionMath.of("BF16", null, Amx.PRESENT));
    assertEquals("oneDNN fpmath bf16", ConvolutionMath.of(" bf16 ", "1", Amx.UNKNOWN));
  }

  @Test
  void withoutAmxTheModeIsSetInVain() {
    assertEquals("float32 (oneDNN fpmath bf16 set; no AMX on this CPU)", ConvolutionMath.of("BF16", null, Amx.ABSENT));
    assertEquals("float32", ConvolutionMath.of(null, null, Amx.ABSENT));
  }

  @Test
  void withoutOneDnnItsMathModeDoesNotApply() {
    assertEquals("float32 (TensorFlow without oneDNN)", ConvolutionMath.of("BF16", "0", Amx.PRESENT));
    assertEquals("float32 (TensorFlow without oneDNN)", ConvolutionMath.of(null, "false", Amx.PRESENT));
  }

  @Test
  void readsAmxFromTheCpuFlags(@TempDir Path dir) throws IOException {
    Path amx = Files.writeString(dir.resolve("amx"), "flags\t\t: fpu avx512_bf16 amx_bf16 amx_tile\n");
    Path zen5 = Files.writeString(dir.resolve("zen5"), "flags\t\t: fpu avx512f avx512_bf16 avx512_vnni\n");
    assertEquals(Amx.PRESENT, ConvolutionMath.amxOf(amx));
    assertEquals(Amx.ABSENT, ConvolutionMath.amxOf(zen5), "avx512_bf16 alone is not AMX");
    assertEquals(Amx.UNKNOWN, ConvolutionMath.amxOf(dir.resolve("absent")));
  }
}
