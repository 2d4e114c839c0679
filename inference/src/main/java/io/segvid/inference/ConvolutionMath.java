package io.segvid.inference;

import java.util.Locale;

/**
 * The floating-point math oneDNN was told to use in this process ({@code ONEDNN_DEFAULT_FPMATH_MODE},
 * which the launcher sets to BF16 on CPUs with AMX), named beside timings so that figures measured in
 * float32 and with bfloat16 convolutions are not compared unawares. oneDNN reads it once, at its first
 * primitive. It takes effect on AMX only: on AVX-512 BF16 without AMX (AMD Zen 5, session 37) oneDNN
 * still picks its float32 kernels, so the name says what was asked for, not what ran.
 */
public final class ConvolutionMath {

  static final String VARIABLE = "ONEDNN_DEFAULT_FPMATH_MODE";

  private ConvolutionMath() { }

  /** "float32", or "oneDNN fpmath bf16" (tf32, f16, any) when a narrower mode is set. */
  public static String ofThisProcess() {
    return of(System.getenv(VARIABLE), System.getenv("TF_ENABLE_ONEDNN_OPTS"));
  }

  /** {@code oneDnnOpts}: TensorFlow's switch; "0" or "false" leaves oneDNN, and so its math mode, out. */
  static String of(String mode, String oneDnnOpts) {
    if (oneDnnOpts != null && (oneDnnOpts.strip().equals("0") || oneDnnOpts.strip().equalsIgnoreCase("false"))) {
      return "float32 (TensorFlow without oneDNN)";
    }
    if (mode == null || mode.isBlank() || mode.equalsIgnoreCase("strict")) return "float32";
    return "oneDNN fpmath " + mode.strip().toLowerCase(Locale.ROOT);
  }
}
