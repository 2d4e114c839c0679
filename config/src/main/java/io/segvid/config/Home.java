package io.segvid.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project folder (set by the launcher as -Dsegvid.home), so the shipped defaults (model, sample
 * video) are found from any working directory. User paths are resolved against the working directory
 * first; only a relative path missing there is looked up under the home folder.
 */
public final class Home {

  private Home() { }

  public static Path resolve(Path p) {
    if (p.isAbsolute() || Files.exists(p)) return p;
    String home = System.getProperty("segvid.home");
    if (home == null) return p;
    Path candidate = Path.of(home).resolve(p);
    return Files.exists(candidate) ? candidate : p;
  }

  public static Path resolve(String p) {
    return resolve(Path.of(p));
  }
}
