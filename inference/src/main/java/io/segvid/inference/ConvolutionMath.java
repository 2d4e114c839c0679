package io.segvid.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The floating-point math oneDNN uses for convolutions in this process ({@code ONEDNN_DEFAULT_FPMATH_MODE},
 * which the launcher sets to BF16 on CPUs with AMX), named beside timings so that figures measured in
 * float32 and with bfloat16 convolutions are not compared unawares. oneDNN reads it once, at its first
 * primitive. It takes effect on AMX only: on AVX-512 BF16 without AMX (AMD Zen 5, session 37) oneDNN
 * still picks its float32 kernels, so where /proc/cpuinfo shows no AMX the name says float32 and that
 * the mode was asked for in vain.
 */
public final class ConvolutionMath {

  static final String VARIABLE = "ONEDNN_DEFAULT_FPMATH_MODE";
  private static final Path CPU_INFO = Path.of("/proc/cpuinfo");
  private static final Pattern AMX = Pattern.compile("\\bamx_bf16\\b");

  /** Whether the CPU has the units a narrower mode needs; UNKNOWN where the OS does not say (not Linux). */
  enum Amx { PRESENT, ABSENT, UNKNOWN }

  private ConvolutionMath() { }

  /** "float32", or "oneDNN fpmath bf16" (tf32, f16, any) when a narrower mode is set and can apply. */
  public static String ofThisProcess() {
    return of(System.getenv(VARIABLE), System.getenv("TF_ENABLE_ONEDNN_OPTS"), amxOf(CPU_INFO));
  }

  /** {@code oneDnnOpts}: TensorFlow's switch; "0" or "false" leaves oneDNN, and so its math mode, out. */
  static String of(String mode, String oneDnnOpts, Amx amx) {
    if (oneDnnOpts != null && (oneDnnOpts.strip().equals("0") || oneDnnOpts.strip().equalsIgnoreCase("false"))) {
      return "float32 (TensorFlow without oneDNN)";
    }
    if (mode == null || mode.isBlank() || mode.equalsIgnoreCase("strict")) return "float32";
    String asked = "oneDNN fpmath " + mode.strip().toLowerCase(Locale.ROOT);
    return amx == Amx.ABSENT ? "float32 (" + asked + " set; no AMX on this CPU)" : asked;
  }

  static Amx amxOf(Path cpuInfo) {
    try {
      return AMX.matcher(Files.readString(cpuInfo)).find() ? Amx.PRESENT : Amx.ABSENT;
    } catch (IOException | RuntimeException e) {
      return Amx.UNKNOWN;
    }
  }
}
