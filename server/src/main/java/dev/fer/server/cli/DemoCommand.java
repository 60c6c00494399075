package dev.fer.server.cli;

import dev.fer.client.FerClient;
import dev.fer.client.RecognizeSession;
import dev.fer.server.FerServer;
import dev.fer.v1.RecognizeResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start the server on the default models and stream sample faces to it over Recognize.")
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--images", description = "Folder of face photos. Default: samples/faces (see scripts/fetch-samples.sh).")
  Path images = dev.fer.server.config.ServerConfig.home().resolve("samples/faces");

  @Option(names = "--rounds", description = "Times to stream the folder. Default 3.")
  int rounds = 3;

  @Option(names = "--references", description = "Write the generated neutral references here.")
  Path references;

  @Mixin
  ServerOptions server = new ServerOptions();

  @Override
  public Integer call() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(images)) {
      files = s.filter(p -> p.toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g|bmp|tiff?)$")).sorted().toList();
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("cannot read sample images in " + images
          + " (run scripts/fetch-samples.sh, or pass --images DIR): " + e.getMessage());
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no images in " + images + " (run scripts/fetch-samples.sh, or pass --images DIR)");
    }
    var config = server.toLocalConfig();
    if (server.port == null) {
      config.set("port", "0");
    }
    config.set("host", "127.0.0.1");
    try (FerServer fer = new FerServer(config, FerServer.netty(config)).start();
        FerClient client = FerClient.connect("127.0.0.1:" + fer.port())) {
      System.out.println("demo: server on 127.0.0.1:" + fer.port() + ", streaming " + files.size()
          + " images x " + rounds + " rounds over Recognize");
      int frames = files.size() * rounds;
      long start = System.nanoTime();
      try (RecognizeSession session = client.stream(8)) {
        Thread sender = new Thread(() -> {
          try {
            for (int i = 0; i < frames; i++) {
              session.send(FerClient.request(Files.readAllBytes(files.get(i % files.size())))
                  .setFrameId(i).setReturnReference(references != null).build());
            }
            session.finish();
          } catch (Exception e) {
            session.cancel();
          }
        });
        sender.start();
        for (RecognizeResponse r; (r = session.next(60, TimeUnit.SECONDS)) != null; ) {
          Path file = files.get((int) (r.getFrameId() % files.size()));
          if (r.getFrameId() < files.size()) {
            System.out.println(Output.describe("frame " + r.getFrameId() + " " + file.getFileName(), r));
            if (references != null) {
              Output.writeReferences(references, file, r);
            }
          }
        }
        sender.join();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(Locale.ROOT, "demo: %d frames in %.2f s (%.1f frames/s, first round printed)%n",
          frames, seconds, frames / seconds);
    }
    return 0;
  }
}
