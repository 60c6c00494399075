package dev.fer.server.cli;

import dev.fer.server.FerServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the gRPC server on the model repository.")
final class ServeCommand implements Callable<Integer> {
  @Mixin
  ServerOptions options = new ServerOptions();

  @Override
  public Integer call() throws Exception {
    var config = options.toConfig();
    FerServer server = new FerServer(config, FerServer.netty(config));
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "fer-shutdown"));
    server.start();
    System.err.println("fer: serving on port " + server.port() + " (Ctrl-C to stop)");
    server.blockUntilShutdown();
    return 0;
  }
}
