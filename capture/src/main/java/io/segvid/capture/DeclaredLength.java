package io.segvid.capture;

import static org.bytedeco.ffmpeg.global.avformat.AVFMT_DURATION_FROM_STREAM;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import java.util.Locale;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;

/**
 * How long a file's header says it lasts, to tell a file cut short (a copy or download that stopped,
 * a recording that crashed) from one that simply ended: FFmpeg decodes such a file up to the cut and
 * then reports an ordinary end of file.
 */
final class DeclaredLength {

  static final DeclaredLength UNKNOWN = new DeclaredLength(0, 0);

  /** Slack for the last frame's own duration, rounding and edit lists. */
  private static final long SLACK_MICROS = 1_000_000;
  private static final double SLACK_SHARE = 0.02;

  private final long startMicros;
  private final long durationMicros;

  DeclaredLength(long startMicros, long durationMicros) {
    this.startMicros = startMicros;
    this.durationMicros = durationMicros;
  }

  /**
   * The file's duration (its longest stream's) as its header states it; unknown where FFmpeg had to
   * estimate it (from the bit rate, or by reading the file's end), since an estimate cannot show a cut.
   */
  static DeclaredLength of(AVFormatContext format) {
    long duration = format.duration();
    if (format.duration_estimation_method() != AVFMT_DURATION_FROM_STREAM || duration == AV_NOPTS_VALUE || duration <= 0) {
      return UNKNOWN;
    }
    long start = format.start_time() == AV_NOPTS_VALUE ? 0 : format.start_time();
    return new DeclaredLength(start, duration);  // both in AV_TIME_BASE units: microseconds
  }

  /** A stream timestamp in microseconds, the unit of the header's length (den already at least 1). */
  static long micros(long timestamp, long timeBaseNum, long timeBaseDen) {
    return 1_000_000L * timestamp * timeBaseNum / timeBaseDen;
  }

  boolean known() {
    return durationMicros > 0;
  }

  /**
   * Why the file looks cut short, given the time of the last frame decoded from any of its streams
   * (Long.MIN_VALUE: none); null if it does not.
   */
  String shortfall(long lastFrameMicros) {
    if (durationMicros <= 0) return null;
    long reached = lastFrameMicros == Long.MIN_VALUE ? 0 : Math.max(0, lastFrameMicros - startMicros);
    if (durationMicros - reached <= Math.max(SLACK_MICROS, SLACK_SHARE * durationMicros)) return null;
    return String.format(Locale.ROOT, "it ends at %.1f s of the %.1f s its header gives: the file is cut short or damaged",
        reached / 1e6, durationMicros / 1e6);
  }
}
