package dev.fer.server.cli;

import dev.fer.client.FerClient;
import dev.fer.server.FerServer;
import dev.fer.v1.RecognizeResponse;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "recognize", mixinStandardHelpOptions = true,
    description = "Recognise the expressions in image files. Without --target, runs the models in this process.")
final class RecognizeCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Images (JPEG, PNG, BMP, TIFF).")
  List<Path> files;

  @Option(names = "--target", description = "Server host:port. Default: start one in this process.")
  String target;

  @Option(names = "--crops", description = "The images are face crops: skip face detection.")
  boolean crops;

  @Option(names = "--pipeline", description = "Pipeline to use. Default: the server's default.")
  String pipeline = "";

  @Option(names = "--variant", description = "Generator variant to use.")
  String variant = "";

  @Option(names = "--references", description = "Write each face's generated neutral reference PNG here.")
  Path references;

  @Mixin
  ServerOptions server = new ServerOptions();

  @Override
  public Integer call() throws Exception {
    FerServer local = null;
    String address = target;
    if (address == null) {
      var config = server.toLocalConfig().set("port", "0").set("host", "127.0.0.1");
      local = new FerServer(config, FerServer.netty(config)).start();
      address = "127.0.0.1:" + local.port();
    }
    int failures = 0;
    try (FerClient client = FerClient.connect(address)) {
      for (Path file : files) {
        byte[] bytes;
        try {
          bytes = Files.readAllBytes(file);
        } catch (java.io.IOException e) {
          failures++;
          System.out.println(file + ": cannot read the file (" + e.getClass().getSimpleName() + ")");
          continue;
        }
        try {
          RecognizeResponse r = client.recognize(FerClient.request(bytes)
              .setFaceCrop(crops).setPipeline(pipeline).setVariant(variant)
              .setReturnReference(references != null).build());
          System.out.println(Output.describe(file.toString(), r));
          if (references != null) {
            Output.writeReferences(references, file, r);
          }
        } catch (StatusRuntimeException e) {
          failures++;
          System.out.println(file + ": " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
        }
      }
    } finally {
      if (local != null) {
        local.close();
      }
    }
    return failures == 0 ? 0 : 2;
  }
}
