package dev.fer.server.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;

/** The Prometheus scrape endpoint: {@code GET http://host:port/metrics}. */
public final class MetricsEndpoint implements AutoCloseable {
  private final HTTPServer http;

  private MetricsEndpoint(HTTPServer http) {
    this.http = http;
  }

  public static MetricsEndpoint start(VariantMetrics metrics, String host, int port) throws IOException {
    try {
      return new MetricsEndpoint(HTTPServer.builder().hostname(host).port(port).registry(metrics.registry())
          .buildAndStart());
    } catch (IOException e) {
      throw new IOException("cannot serve /metrics on " + host + ":" + port + ": " + e.getMessage()
          + "; choose another metrics-port (0 = any free port, -1 = no metrics endpoint)", e);
    }
  }

  public int port() {
    return http.getPort();
  }

  @Override
  public void close() {
    http.close();
  }
}
