package io.segvid.output;

import io.segvid.inference.ModelMetadata;
import java.awt.GraphicsEnvironment;
import java.io.IOException;
import javax.swing.WindowConstants;
import org.bytedeco.javacv.CanvasFrame;

/** A live window (JavaCV CanvasFrame). Closing it stops the run cleanly. */
public final class WindowSink implements FrameSink {

  private final Runnable onClosed;
  private final RenderedViews views = new RenderedViews();
  private CanvasFrame canvas;
  private String title = "segvid";

  /** {@code onClosed} runs when the user closes the window (the run stops). */
  public WindowSink(Runnable onClosed) {
    this.onClosed = onClosed;
  }

  @Override
  public String describe() {
    return "window";
  }

  @Override
  public void check() throws IOException {
    if (GraphicsEnvironment.isHeadless()) {
      throw new IOException("the window sink needs a display (DISPLAY is not set; use xvfb-run or another sink)");
    }
    // A headless Java (Debian's openjdk-17-jre-headless) has no X11 toolkit to draw a window with.
    if (!java.nio.file.Files.exists(java.nio.file.Path.of(System.getProperty("java.home"), "lib", "libawt_xawt.so"))) {
      throw new IOException("the window sink needs Java's desktop libraries, which this Java lacks ("
          + System.getProperty("java.home") + "): install the Debian package openjdk-17-jre");
    }
  }

  @Override
  public void open(SinkContext stream, ModelMetadata metadata) throws IOException {
    title = "segvid - " + stream.name();
    try {
      canvas = new CanvasFrame(title, 1.0);  // gamma 1.0: show pixels as they are
    } catch (RuntimeException e) {
      throw new IOException("cannot open a window: " + e.getMessage());
    }
    canvas.setDefaultCloseOperation(WindowConstants.DISPOSE_ON_CLOSE);
    canvas.addWindowListener(new java.awt.event.WindowAdapter() {
      @Override
      public void windowClosed(java.awt.event.WindowEvent e) {
        onClosed.run();
      }
    });
    canvas.setCanvasSize(stream.info().width(), stream.info().height());
  }

  @Override
  public void video(RenderedFrame frame) {
    if (canvas != null && canvas.isVisible()) canvas.showImage(views.frame(frame.rendered()));
  }

  @Override
  public void finish() { }

  @Override
  public void close() {
    if (canvas != null) {
      canvas.dispose();
      canvas = null;
    }
    views.close();
  }
}
