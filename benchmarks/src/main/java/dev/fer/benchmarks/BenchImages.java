package dev.fer.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Real face images for the load: every image under a folder (recursively), read once. */
final class BenchImages {
  private BenchImages() {}

  static List<byte[]> load(Path dir, int limit) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("image folder " + dir + " does not exist (use --images DIR)");
    }
    List<byte[]> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.filter(Files::isRegularFile).filter(BenchImages::isImage).sorted().toList()) {
        out.add(Files.readAllBytes(p));
        if (out.size() >= limit) {
          break;
        }
      }
    }
    if (out.isEmpty()) {
      throw new IOException("no images in " + dir);
    }
    return out;
  }

  private static boolean isImage(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png") || n.endsWith(".bmp");
  }
}
