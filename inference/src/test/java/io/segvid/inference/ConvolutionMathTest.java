package io.segvid.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What evaluate, compare and bench print beside their timings. */
class ConvolutionMathTest {

  @Test
  void namesTheMathOneDnnWasToldToUse() {
    assertEquals("float32", ConvolutionMath.of(null, null));
    assertEquals("float32", ConvolutionMath.of("STRICT", "1"));
    assertEquals("oneDNN fpmath bf16", ConvolutionMath.of("BF16", null));
    assertEquals("oneDNN fpmath bf16", ConvolutionMath.of(" bf16 ", "1"));
  }

  @Test
  void withoutOneDnnItsMathModeDoesNotApply() {
    assertEquals("float32 (TensorFlow without oneDNN)", ConvolutionMath.of("BF16", "0"));
    assertEquals("float32 (TensorFlow without oneDNN)", ConvolutionMath.of(null, "false"));
  }
}
