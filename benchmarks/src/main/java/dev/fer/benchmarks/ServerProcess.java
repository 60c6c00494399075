package dev.fer.benchmarks;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server under test in a process of its own, so its CPU and memory are its own and the
 * load generator's are not counted.
 */
final class ServerProcess implements AutoCloseable {
  private final Process process;
  private final int port;
  private final int metricsPort;

  ServerProcess(List<String> javaOptions, List<String> serverArgs, Path log) throws Exception {
    try (ServerSocket s = new ServerSocket(0); ServerSocket m = new ServerSocket(0)) {
      port = s.getLocalPort();
      metricsPort = m.getLocalPort();
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(javaOptions);
    cmd.addAll(List.of("-Dfer.home=" + System.getProperty("fer.home", "."),
        "-cp", System.getProperty("java.class.path"),
        "dev.fer.server.cli.FerCli", "serve", "--host", "127.0.0.1", "--port", String.valueOf(port),
        "--admin-port=-1", "--set=metrics-host=127.0.0.1", "--metrics-port=" + metricsPort));
    cmd.addAll(serverArgs);
    process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    awaitServing();
  }

  int port() {
    return port;
  }

  private void awaitServing() throws Exception {
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException("the server exited with " + process.exitValue() + " (see its log)");
        }
        try {
          HealthCheckResponse r = HealthGrpc.newBlockingStub(ch).withDeadlineAfter(2, TimeUnit.SECONDS)
              .check(HealthCheckRequest.getDefaultInstance());
          if (r.getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
            return;
          }
        } catch (RuntimeException notYet) {
          // Still starting.
        }
        Thread.sleep(200);
      }
      throw new IllegalStateException("the server did not become SERVING within 180 s");
    } finally {
      ch.shutdownNow();
    }
  }

  /** Chain runs and faces in them so far, from the server's fer_batch_faces histogram. */
  long[] batches() throws IOException, InterruptedException {
    var client = java.net.http.HttpClient.newHttpClient();
    var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
        .build();
    String body = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    long runs = 0;
    double faces = 0;
    for (String line : body.split("\n")) {
      if (line.startsWith("fer_batch_faces_count{")) {
        runs += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      } else if (line.startsWith("fer_batch_faces_sum{")) {
        faces += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return new long[] {runs, (long) faces};
  }

  /** Resident memory of the server process, in MiB. */
  double rssMiB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    return -1;
  }

  /** CPU seconds the server process has used so far (user + system). */
  double cpuSeconds() throws IOException {
    String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return ticks / 100.0;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
