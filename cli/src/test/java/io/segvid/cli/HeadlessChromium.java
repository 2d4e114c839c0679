package io.segvid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * A real headless Chromium showing one page, asked about it through the DevTools protocol while the
 * page runs. {@code --dump-dom} dumps at the page's load event, which a page with an MJPEG image
 * reaches on the first picture, racing its own scripts; asking the live page has no such race.
 */
final class HeadlessChromium implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://[^/]+)/");

  private final Process process;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();
  private final StringBuilder partial = new StringBuilder();

  private HeadlessChromium(Process process, WebSocket.Builder sockets, URI page) throws Exception {
    this.process = process;
    this.socket = sockets.buildAsync(page, new Listener()).get(30, TimeUnit.SECONDS);
  }

  /**
   * The first Chromium-family browser on PATH: Debian's package installs {@code chromium}, Ubuntu's snap
   * {@code chromium} or {@code chromium-browser}, Google's package {@code google-chrome}.
   */
  static String browser() {
    for (String name : List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")) {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) return candidate.toString();
      }
    }
    return "chromium";  // not found: starting it names the missing command
  }

  /** Opens {@code url} in a fresh profile under {@code profile}. */
  static HeadlessChromium open(String url, Path profile) throws Exception {
    Process p = new ProcessBuilder(browser(), "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--window-size=1100,500", "--remote-debugging-port=0", url)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      String origin = devtoolsOrigin(p);
      HttpClient http = HttpClient.newHttpClient();
      URI pageSocket = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (pageSocket == null && System.nanoTime() < deadline) {
        String list = http.send(HttpRequest.newBuilder(URI.create(origin.replace("ws:", "http:") + "/json/list")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        for (JsonNode target : JSON.readTree(list)) {
          if ("page".equals(target.path("type").asText())) pageSocket = URI.create(target.get("webSocketDebuggerUrl").asText());
        }
        if (pageSocket == null) Thread.sleep(200);
      }
      if (pageSocket == null) throw new IllegalStateException("chromium opened no page within 30 s");
      return new HeadlessChromium(p, http.newWebSocketBuilder(), pageSocket);
    } catch (Exception | Error e) {
      p.destroyForcibly();
      throw e;
    }
  }

  /** The DevTools address Chromium prints on stderr once it listens. */
  private static String devtoolsOrigin(Process p) throws Exception {
    BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream()));
    Deque<String> lastLines = new ConcurrentLinkedDeque<>();  // what it said, for a browser that will not start
    CompletableFuture<String> origin = CompletableFuture.supplyAsync(() -> {
      try {
        for (String line; (line = err.readLine()) != null; ) {
          Matcher m = DEVTOOLS.matcher(line);
          if (m.find()) return m.group(1);
          if (!line.isBlank()) lastLines.addLast(line.strip());
          if (lastLines.size() > 3) lastLines.pollFirst();
        }
        return null;
      } catch (java.io.IOException e) {
        return null;
      }
    });
    String found;
    try {
      found = origin.get(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("chromium printed no DevTools address within 60 s");
    }
    if (found == null) {
      throw new IllegalStateException("chromium exited without a DevTools address; it said: " + String.join(" / ", lastLines));
    }
    // Keep draining stderr so Chromium never blocks on a full pipe.
    Thread drain = new Thread(() -> {
      try {
        while (err.readLine() != null) { /* discard */ }
      } catch (java.io.IOException ignored) {
        // chromium closed
      }
    }, "chromium-stderr");
    drain.setDaemon(true);
    drain.start();
    return found;
  }

  /** The value of a JavaScript expression evaluated in the page now (a string, number or null). */
  JsonNode evaluate(String expression) throws Exception {
    // A page between loads has no context to evaluate in yet: that reads as no value, and pollers ask again.
    return call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true))
        .path("result").path("result").path("value");
  }

  /** Sets the page's viewport in CSS pixels (the window size flag also counts the window's frame). */
  void viewport(int width, int height) throws Exception {
    JsonNode reply = call("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
        "deviceScaleFactor", 1, "mobile", false));
    if (reply.has("error")) throw new IllegalStateException("chromium kept its viewport: " + reply.get("error"));
  }

  /** What the page shows now, as the browser renders it. */
  BufferedImage screenshot() throws Exception {
    JsonNode reply = call("Page.captureScreenshot", Map.of("format", "png"));
    if (reply.has("error")) throw new IllegalStateException("chromium took no screenshot: " + reply.get("error"));
    String png = reply.path("result").path("data").asText();
    return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(png)));
  }

  /** One DevTools command and its reply ({@code result} or {@code error}). */
  private JsonNode call(String method, Map<String, Object> params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    replies.put(id, reply);
    socket.sendText(JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true)
        .get(10, TimeUnit.SECONDS);
    return reply.get(30, TimeUnit.SECONDS);
  }

  /** Polls {@code expression} until its text passes {@code accept}; returns that text or the last one seen. */
  String awaitText(String expression, Predicate<String> accept, long seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    String text = evaluate(expression).asText();
    while (!accept.test(text) && System.nanoTime() < deadline) {
      Thread.sleep(250);
      text = evaluate(expression).asText();
    }
    return text;
  }

  @Override
  public void close() throws Exception {
    socket.abort();
    // Chromium's renderer and helper processes can outlive the browser and keep writing the profile,
    // which then cannot be deleted with the test's temporary folder: end them too, and wait.
    java.util.List<ProcessHandle> helpers = process.descendants().toList();
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    for (ProcessHandle helper : helpers) {
      helper.destroy();
      try {
        helper.onExit().get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        helper.destroyForcibly();
        helper.onExit().get(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Collects text messages (possibly in parts) and completes the reply with the same id. */
  private final class Listener implements WebSocket.Listener {
    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          JsonNode message = JSON.readTree(partial.toString());
          CompletableFuture<JsonNode> reply = message.has("id") ? replies.remove(message.get("id").asInt()) : null;
          if (reply != null) reply.complete(message);
        } catch (Exception e) {
          replies.values().forEach(r -> r.completeExceptionally(e));
        }
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }
  }
}
