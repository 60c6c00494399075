package dev.fer.server.cli;

import dev.fer.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Flags shared by the commands that start a server; they override the config file. */
final class ServerOptions {
  @Option(names = "--config", description = "Properties file with settings (keys as the flags, e.g. port=50051).")
  Path configFile;

  @Option(names = "--port", description = "Port to listen on (0 = any free port). Default 50051.")
  Integer port;

  @Option(names = "--host", description = "Address to bind. Default 0.0.0.0.")
  String host;

  @Option(names = "--models", description = "Model repository folder. Default: models")
  Path models;

  @Option(names = "--provider", description = "Execution provider: cpu, cuda or tensorrt. Default cpu.")
  String provider;

  @Option(names = "--threads", description = "ONNX Runtime intra-op threads per session. Default 1.")
  Integer threads;

  @Option(names = "--workers", description = "Frames processed at once. Default: the number of cores.")
  Integer workers;

  @Option(names = "--admin-port", description = "Port of the admin API (-1 = off, 0 = any free port). Default 50052.")
  Integer adminPort;

  @Option(names = "--metrics-port", description = "Port of Prometheus /metrics (-1 = off, 0 = any free port). Default 9464.")
  Integer metricsPort;

  @Option(names = "--watch-models", description = "Load and swap in generator versions that appear in the model repository.")
  Boolean watchModels;

  @Option(names = "--set", description = "Any other setting, key=value (repeatable).")
  Map<String, String> settings = new LinkedHashMap<>();

  ServerConfig toConfig() throws IOException {
    ServerConfig config = new ServerConfig();
    if (configFile != null) {
      config.load(configFile);
    }
    settings.forEach(config::set);
    if (port != null) {
      config.set("port", port.toString());
    }
    if (host != null) {
      config.set("host", host);
    }
    if (models != null) {
      config.set("models", models.toString());
    }
    if (provider != null) {
      config.set("provider", provider);
    }
    if (threads != null) {
      config.set("intra-op-threads", threads.toString());
    }
    if (workers != null) {
      config.set("workers", workers.toString());
    }
    if (adminPort != null) {
      config.set("admin-port", adminPort.toString());
    }
    if (metricsPort != null) {
      config.set("metrics-port", metricsPort.toString());
    }
    if (watchModels != null) {
      config.set("watch-models", watchModels.toString());
    }
    return config;
  }

  /**
   * For a server that lives only inside one command (demo, local recognize): no admin API and no
   * /metrics unless asked for, so it never clashes with a server already running on this machine.
   */
  ServerConfig toLocalConfig() throws IOException {
    ServerConfig config = toConfig();
    if (adminPort == null && !settings.containsKey("admin-port")) {
      config.set("admin-port", "-1");
    }
    if (metricsPort == null && !settings.containsKey("metrics-port")) {
      config.set("metrics-port", "-1");
    }
    return config;
  }
}
