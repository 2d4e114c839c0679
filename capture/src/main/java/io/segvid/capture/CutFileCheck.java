package io.segvid.capture;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Whether a file ends short of the length its header states, found by reading its packets without
 * decoding them (fast: no pictures are made). For sources that hand the file to FFmpeg whole, such as
 * a looped file, where the decoder never sees the end and so cannot judge it.
 */
final class CutFileCheck {

  private CutFileCheck() {}

  /** Why {@code file} looks cut short, as {@link DeclaredLength#shortfall} words it; null if it does not or cannot be read. */
  static String shortfall(Path file) {
    AVFormatContext format = avformat_alloc_context();
    if (avformat_open_input(format, file.toString(), (AVInputFormat) null, (AVDictionary) null) < 0) return null;  // freed by FFmpeg; opening it properly will say why
    AVPacket packet = av_packet_alloc();
    try {
      if (avformat_find_stream_info(format, (PointerPointer<?>) null) < 0) return null;
      DeclaredLength declared = DeclaredLength.of(format);
      if (!declared.known()) return null;
      long lastMicros = Long.MIN_VALUE;
      while (av_read_frame(format, packet) >= 0) {
        long time = packet.pts() != AV_NOPTS_VALUE ? packet.pts() : packet.dts();
        if (time != AV_NOPTS_VALUE) {
          AVRational base = format.streams(packet.stream_index()).time_base();
          lastMicros = Math.max(lastMicros, DeclaredLength.micros(time, base.num(), Math.max(1, base.den())));
        }
        av_packet_unref(packet);
      }
      return declared.shortfall(lastMicros);
    } finally {
      av_packet_free(packet);
      avformat_close_input(format);
    }
  }
}
