package io.segvid.capture;

import io.segvid.testkit.Media;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.io.TempDir;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.junit.jupiter.api.Test;

/**
 * segvid's own decoder against JavaCV's grabber (FFmpeg through another road) on the same inputs:
 * the same frames, pixels, timestamps and audio samples; sideways phone footage comes upright.
 */
class DecoderTest {

  @Test
  void sampleVideoDecodesToTheSamePicturesAndTimes() throws Exception {
    try (VideoSource ours = Sources.parse(Media.VIDEO.toString()).create();
         FFmpegFrameGrabber reference = grabber(Media.VIDEO.toString(), null)) {
      SourceInfo info = ours.open();
      assertEquals(reference.getImageWidth(), info.width());
      assertEquals(reference.getImageHeight(), info.height());
      assertEquals(reference.getFrameRate(), info.frameRate(), 0.01);
      assertEquals(reference.getLengthInVideoFrames(), info.estimatedFrames(), 1);
      int frames = 0;
      Frame mine;
      while ((mine = ours.grab()) != null) {
        if (mine.image == null) continue;  // its audio
        Frame theirs = reference.grabImage();
        assertNotNull(theirs, "reference ended before frame " + frames);
        assertEquals(theirs.timestamp, mine.timestamp, "timestamp of frame " + frames);
        double diff = meanAbsDiff((ByteBuffer) mine.image[0], (ByteBuffer) theirs.image[0], info.width() * info.height() * 3);
        assertTrue(diff < 0.5, "frame " + frames + " differs by " + diff + " per byte");
        frames++;
      }
      assertNull(reference.grabImage(), "frames left over after " + frames);
      assertTrue(frames > 200, frames + " frames");
    }
  }

  @Test
  void sidewaysPhoneVideoComesUpright(@TempDir Path tmp) throws Exception {
    // Stored landscape with a display matrix that turns it a quarter clockwise, as phones write
    // (av_display_rotation_set takes clockwise degrees; players, FFmpeg's CLI included, obey it).
    Path sideways = tmp.resolve("sideways.mp4");
    remuxWithDisplayRotation(Media.VIDEO, sideways, 90);
    try (VideoSource ours = Sources.parse(sideways.toString()).create();
         FFmpegFrameGrabber reference = grabber(Media.VIDEO.toString(), null);
         OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
         Mat expected = new Mat()) {
      SourceInfo info = ours.open();
      assertEquals(reference.getImageHeight(), info.width(), "width and height swap");
      assertEquals(reference.getImageWidth(), info.height());
      for (int i = 0; i < 5; i++) {
        Frame mine = ours.grab();
        opencv_core.rotate(converter.convert(reference.grabImage()), expected, opencv_core.ROTATE_90_CLOCKWISE);
        assertEquals(info.width(), mine.imageWidth);
        ByteBuffer want = expected.createBuffer();
        double diff = meanAbsDiff((ByteBuffer) mine.image[0], want, info.width() * info.height() * 3);
        assertTrue(diff < 0.5, "frame " + i + " differs from the turned reference by " + diff + " per byte");
      }
    }
  }

  /**
   * Widths whose rows are not a whole number of swscale's SIMD pixel groups: its converters store
   * whole groups, past a row's last pixel; into a buffer that ended with the last row that wrote on
   * the heap (the JVM aborted in free()). Every pixel of every row, the first ones included (where a
   * row's overrun would land on packed rows), must match FFmpeg's own reading.
   */
  @Test
  void oddWidthsConvertWithoutWritingPastTheirRows() throws Exception {
    for (String picture : new String[] {"size=333x187,format=yuvj422p", "size=1000x50,format=yuv420p",
        "size=217x95,format=yuv444p"}) {
      String graph = "testsrc2=" + picture.replace(",format", ":rate=25:duration=1,format");
      try (VideoSource ours = Sources.parse("lavfi:" + graph + ",nopace").create();
           FFmpegFrameGrabber reference = grabber(graph, "lavfi")) {
        SourceInfo info = ours.open();
        int frames = 0;
        Frame mine;
        while ((mine = ours.grab()) != null) {
          Frame theirs = reference.grabImage();
          assertNotNull(theirs, picture + ": reference ended before frame " + frames);
          assertEquals(info.width(), mine.imageWidth);
          for (int y = 0; y < info.height(); y++) {
            int worst = maxAbsDiffInRow((ByteBuffer) mine.image[0], mine.imageStride, (ByteBuffer) theirs.image[0],
                theirs.imageStride, y, info.width() * 3);
            assertTrue(worst <= 2, picture + ", frame " + frames + ", row " + y + " differs by up to " + worst);
          }
          frames++;
        }
        assertEquals(25, frames, picture);
      }
    }
  }

  private static int maxAbsDiffInRow(ByteBuffer a, int strideA, ByteBuffer b, int strideB, int y, int rowBytes) {
    int worst = 0;
    for (int i = 0; i < rowBytes; i++) {
      worst = Math.max(worst, Math.abs((a.get(y * strideA + i) & 0xff) - (b.get(y * strideB + i) & 0xff)));
    }
    return worst;
  }

  /** Copies the video stream of {@code src} into an MP4 whose display matrix turns it {@code degrees} clockwise. */
  private static void remuxWithDisplayRotation(Path src, Path dst, double degrees) throws Exception {
    AVFormatContext in = new AVFormatContext(null);
    ok(avformat.avformat_open_input(in, src.toString(), null, null));
    ok(avformat.avformat_find_stream_info(in, (PointerPointer<?>) null));
    int video = avformat.av_find_best_stream(in, avutil.AVMEDIA_TYPE_VIDEO, -1, -1, (PointerPointer<?>) null, 0);
    AVStream inStream = in.streams(video);
    AVFormatContext out = new AVFormatContext(null);
    ok(avformat.avformat_alloc_output_context2(out, null, "mp4", dst.toString()));
    AVStream outStream = avformat.avformat_new_stream(out, null);
    ok(avcodec.avcodec_parameters_copy(outStream.codecpar(), inStream.codecpar()));
    outStream.codecpar().codec_tag(0);
    outStream.time_base(inStream.time_base());
    AVCodecParameters par = outStream.codecpar();
    // The array is empty (NULL) after the copy: FFmpeg allocates it through the pointer we pass.
    PointerPointer<AVPacketSideData> array = new PointerPointer<>(1);
    array.put(0, new org.bytedeco.javacpp.Pointer());
    IntPointer count = new IntPointer(1).put(0);
    AVPacketSideData matrix = avcodec.av_packet_side_data_new(array, count, avcodec.AV_PKT_DATA_DISPLAYMATRIX, 36, 0);
    assertNotNull(matrix);
    par.coded_side_data(array.get(AVPacketSideData.class, 0)).nb_coded_side_data(count.get());
    avutil.av_display_rotation_set(new IntPointer(matrix.data()), degrees);
    AVIOContext io = new AVIOContext(null);
    ok(avformat.avio_open2(io, dst.toString(), avformat.AVIO_FLAG_WRITE, null, null));
    out.pb(io);
    ok(avformat.avformat_write_header(out, (AVDictionary) null));
    AVPacket packet = avcodec.av_packet_alloc();
    while (avformat.av_read_frame(in, packet) >= 0) {
      if (packet.stream_index() == video) {
        avcodec.av_packet_rescale_ts(packet, inStream.time_base(), outStream.time_base());
        packet.stream_index(0);
        ok(avformat.av_interleaved_write_frame(out, packet));
      } else {
        avcodec.av_packet_unref(packet);
      }
    }
    ok(avformat.av_write_trailer(out));
    avcodec.av_packet_free(packet);
    avformat.avio_closep(io);
    avformat.avformat_free_context(out);
    avformat.avformat_close_input(in);
  }

  private static void ok(int ret) {
    assertTrue(ret >= 0, "FFmpeg error " + ret);
  }

  @Test
  void audioComesAsTheSameInterleavedSamples() throws Exception {
    String graph = "sine=frequency=440:sample_rate=22050:duration=2[out1];testsrc2=size=160x120:rate=10:duration=2[out0]";
    try (VideoSource ours = Sources.parse("lavfi:" + graph + ",nopace").create();
         FFmpegFrameGrabber reference = grabber(graph, "lavfi")) {
      SourceInfo info = ours.open();
      assertEquals(1, info.audioChannels());
      assertEquals(22050, info.sampleRate());
      long[] mine = sums(ours::grab);
      long[] theirs = sums(reference::grab);
      assertEquals(20, mine[0], "video frames");
      assertEquals(theirs[1], mine[1], "audio samples");
      assertEquals(44100, mine[1], 2048);
      assertEquals(theirs[2], mine[2], "sum of |sample|");
      assertTrue(mine[2] > 44100L * 1000, "the tone is there");
    }
  }

  private interface Grab {
    Frame grab() throws Exception;
  }

  /** Video frames, audio samples and the sum of absolute sample values. */
  private static long[] sums(Grab source) throws Exception {
    long[] s = new long[3];
    Frame f;
    while ((f = source.grab()) != null) {
      if (f.image != null) s[0]++;
      if (f.samples != null) {
        ShortBuffer b = (ShortBuffer) f.samples[0];
        for (int i = b.position(); i < b.limit(); i++) s[2] += Math.abs(b.get(i));
        s[1] += b.remaining();
      }
    }
    return s;
  }

  private static FFmpegFrameGrabber grabber(String address, String format) throws Exception {
    FFmpegFrameGrabber g = new FFmpegFrameGrabber(address);
    if (format != null) g.setFormat(format);
    g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
    g.setSampleFormat(avutil.AV_SAMPLE_FMT_S16);
    g.setSampleMode(FrameGrabber.SampleMode.SHORT);
    g.start();
    return g;
  }

  private static double meanAbsDiff(ByteBuffer a, ByteBuffer b, int n) {
    long sum = 0;
    for (int i = 0; i < n; i++) sum += Math.abs((a.get(i) & 0xff) - (b.get(i) & 0xff));
    return (double) sum / n;
  }
}
