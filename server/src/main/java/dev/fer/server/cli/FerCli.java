package dev.fer.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/fer}: serve, recognize, demo, eval, admin. */
@Command(name = "fer", mixinStandardHelpOptions = true, version = "fer 0.1.0",
    description = "Facial-expression recognition server (generative-contrastive networks on ONNX Runtime).",
    subcommands = {ServeCommand.class, RecognizeCommand.class, DemoCommand.class, EvalCommand.class,
        AdminCommand.class})
public final class FerCli implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    int code = new CommandLine(new FerCli())
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          cmd.getErr().println("fer: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
          return 1;
        })
        .execute(args);
    System.exit(code);
  }
}
