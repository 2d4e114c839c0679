package io.segvid.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads a segvid process's Prometheus endpoint ({@code --metrics-port}) as its users' scrapers do. */
final class Prometheus {

  private Prometheus() { }

  /** The sum of every sample of {@code name} whose line contains {@code label} (e.g. {@code area="heap"}; "" for all). */
  static double sum(int port, String name, String label) throws Exception {
    String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
    return text.lines().filter(l -> (l.startsWith(name + " ") || l.startsWith(name + "{")) && l.contains(label))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }
}
