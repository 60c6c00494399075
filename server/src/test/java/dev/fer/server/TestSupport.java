package dev.fer.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fer.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the tests find the bundled models and the shared face data; skips clearly without them. */
public final class TestSupport {
  private TestSupport() {}

  public static Path models() {
    Path p = Path.of(System.getProperty("fer.models", "../models")).toAbsolutePath().normalize();
    assumeTrue(Files.isRegularFile(p.resolve("fer2013/pipeline.json")),
        "skipped: no default models in " + p + " (models/fer2013 is produced by training/)");
    return p;
  }

  public static Path data() {
    Path p = Path.of(System.getProperty("fer.data", "../../shared/data")).toAbsolutePath().normalize();
    assumeTrue(Files.isDirectory(p.resolve("fer2013/validation")),
        "skipped: shared face data not found at " + p + " (set -Dfer.data=...)");
    return p;
  }

  /** A config on the bundled models, on a free loopback port. */
  public static ServerConfig config() {
    return new ServerConfig().set("models", models().toString()).set("host", "127.0.0.1").set("port", "0")
        .set("admin-port", "0").set("metrics-port", "0").set("metrics-host", "127.0.0.1").set("workers", "2");
  }

  /** The first {@code perClass} validation images of each FER2013 class folder. */
  public static List<Path> fer2013Faces(int perClass) throws IOException {
    Path root = data().resolve("fer2013/validation");
    try (Stream<Path> classes = Files.list(root)) {
      return classes.sorted().flatMap(dir -> {
        try (Stream<Path> files = Files.list(dir)) {
          return files.sorted().limit(perClass).toList().stream();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList();
    }
  }

  public static FerServer startNetty(ServerConfig config) throws Exception {
    return new FerServer(config, FerServer.netty(config)).start();
  }
}
