package io.segvid.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks on output locations, made before anything is created. */
final class OutputPaths {

  private OutputPaths() { }

  /** The file's folder must exist (or be creatable) and be writable; the file itself must not be a folder. */
  static void checkFile(Path file, String what) throws IOException {
    if (Files.isDirectory(file)) throw new IOException(what + " " + file + " is a folder");
    Path parent = file.toAbsolutePath().getParent();
    checkFolderCreatable(parent, what + " " + file);
    if (Files.exists(file) && !Files.isWritable(file)) throw new IOException(what + " " + file + " is not writable");
  }

  static void checkFolderCreatable(Path dir, String what) throws IOException {
    Path p = dir.toAbsolutePath();
    while (p != null && !Files.exists(p)) p = p.getParent();
    if (p == null || !Files.isDirectory(p)) throw new IOException("cannot create the folder for " + what);
    if (!Files.isWritable(p)) throw new IOException("cannot write " + what + ": " + p + " is not writable");
  }
}
