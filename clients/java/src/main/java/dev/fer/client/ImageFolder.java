package dev.fer.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** An evaluation folder {@code DIR/<class>/*.{png,jpg,jpeg,tif,tiff,bmp}}, class names canonicalised. */
public final class ImageFolder {
  public record Item(Path file, String label) {}

  private ImageFolder() {}

  public static List<Item> scan(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IOException(root + " is not a folder of <class>/<image> files");
    }
    List<Item> items = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    try (Stream<Path> classes = Files.list(root)) {
      for (Path dir : classes.filter(Files::isDirectory).sorted().toList()) {
        String label = ExpressionLabels.canonical(dir.getFileName().toString());
        if (label == null) {
          skipped.add(dir.getFileName().toString());
          continue;
        }
        try (Stream<Path> files = Files.list(dir)) {
          files.filter(ImageFolder::isImage).sorted().forEach(f -> items.add(new Item(f, label)));
        }
      }
    }
    if (!skipped.isEmpty()) {
      System.err.println("skipping folders that name no expression: " + skipped);
    }
    if (items.isEmpty()) {
      throw new IOException(root + " holds no images in expression-named folders (e.g. happy/, anger/)");
    }
    return items;
  }

  static boolean isImage(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".tif")
        || n.endsWith(".tiff") || n.endsWith(".bmp");
  }
}
