package dev.fer.benchmarks;

import dev.fer.server.config.ServerConfig;
import dev.fer.v1.DropPolicy;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/fer bench}: the server against the in-process limit, in one run, on this machine.
 * Prints every figure and the ratios the targets are stated in, and writes them to
 * benchmarks/results/.
 */
@Command(name = "fer bench", mixinStandardHelpOptions = true,
    description = "Load-test the server over gRPC and compare with the same ONNX chain called in-process.")
public final class BenchCli implements Callable<Integer> {
  @Option(names = "--images", description = "Face images (recursively). Default: ../shared/data/fer2013/validation")
  Path images = ServerConfig.home().resolve("../shared/data/fer2013/validation").normalize();

  @Option(names = "--crops", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Images are face crops (skip detection). Default true.")
  boolean crops;

  @Option(names = "--seconds", description = "Seconds per load phase. Default 20.")
  double seconds = 20;

  @Option(names = "--throughput-streams", description = "Streams of the flat-out phase. Default 16.")
  int throughputStreams = 16;

  @Option(names = "--paced-streams", description = "Streams of the paced phase. Default 64.")
  int pacedStreams = 64;

  @Option(names = "--fps", description = "Frames per second per stream in the paced phase. Default 15.")
  double fps = 15;

  @Option(names = "--paced-drop-policy", description = "Drop policy of the paced streams: BLOCK (default, never drop) "
      + "or LATEST (the server drops stale frames when it falls behind; they are counted, not answered).")
  PacedPolicy pacedDropPolicy = PacedPolicy.BLOCK;

  /** The drop policies a client can ask for (the proto enum also has its unset and unknown values). */
  enum PacedPolicy {
    BLOCK(DropPolicy.BLOCK), LATEST(DropPolicy.LATEST);

    final DropPolicy proto;

    PacedPolicy(DropPolicy proto) {
      this.proto = proto;
    }
  }

  @Option(names = "--smoke", description = "A short run for CI: 3 s phases, figures printed, nothing asserted.")
  boolean smoke;

  @Option(names = "--out", description = "Results folder. Default benchmarks/results")
  Path out = ServerConfig.home().resolve("benchmarks/results");

  @Option(names = "--server-arg", description = "Extra argument for `fer serve` (repeatable), e.g. --server-arg=--set=max-batch=16")
  List<String> serverArgs = new ArrayList<>();

  @Option(names = "--server-java-opt", description = "Extra JVM option for the server process (repeatable), e.g. "
      + "--server-java-opt=-XX:StartFlightRecording=filename=server.jfr to profile it under load")
  List<String> serverJavaOptions = new ArrayList<>();

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (smoke) {
      seconds = 3;
    }
    List<byte[]> imgs = BenchImages.load(images, 2000);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("date", Instant.now().toString());
    r.put("machine", InetAddress.getLocalHost().getHostName() + ", " + Runtime.getRuntime().availableProcessors()
        + " cores, " + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version"));
    r.put("cpu", cpuModel());
    r.put("commit", commit());
    r.put("images", imgs.size() + " from " + images + (crops ? " (face crops)" : " (detection on)"));
    r.put("seconds_per_phase", seconds);
    r.put("compared_phases_alternate_in_rounds_of_seconds", Map.of("latency", 1.0, "throughput", 2.5));
    r.put("server_args", serverArgs);
    r.put("paced_drop_policy", pacedDropPolicy.name());
    int cores = Runtime.getRuntime().availableProcessors();

    try (InProcessChain chain = new InProcessChain(inProcessConfig())) {
      r.put("inprocess_variant", chain.variantName());
      // 1. The in-process limit at every batch size (this also warms its JIT).
      double sweepFps = 0;
      int bestBatch = 1;
      Map<String, Double> perBatch = new LinkedHashMap<>();
      for (int batch : new int[] {1, 8, 16, 32}) {
        double fps = chain.throughput(imgs, crops, batch, cores, Math.max(2, seconds / 4));
        perBatch.put("batch_" + batch, fps);
        if (fps > sweepFps) {
          sweepFps = fps;
          bestBatch = batch;
        }
      }
      r.put("inprocess_fps_by_batch_" + cores + "_threads", perBatch);
      r.put("inprocess_best_batch", bestBatch);
      Histogram warmLatency = new Histogram(3);
      chain.latencyBatch1(imgs, crops, smoke ? 1 : 3, warmLatency, new LinkedHashMap<>());
      double inProcessWarmP50 = warmLatency.getValueAtPercentile(50) / 1000.0;
      System.err.printf(Locale.ROOT, "in-process sweep (frames/s by batch, %d threads): %s%n", cores, perBatch);

      // 2. The server, in its own process, over gRPC on loopback, alternating with the in-process runs.
      Files.createDirectories(out);
      try (ServerProcess server = new ServerProcess(serverJavaOptions, serverArgs, out.resolve("bench-server.log"))) {
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          channels.add(NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
              .directExecutor().build()); // a lean load generator: responses are handled on the transport thread
        }
        StreamLoad load = new StreamLoad(channels, imgs, crops);
        // Warm both JVMs until the JIT compilers are done: measured cold, C2 takes a quarter of the
        // two cores during the phases (seen with perf), which is start-up cost, not serving cost.
        double warm = smoke ? 3 : Math.max(10, seconds);
        load.run(throughputStreams, 0, 4, warm);
        load.run(1, 0, 1, warm / 3);

        // The machine's speed drifts by tens of percent within seconds to minutes (a shared VM), so
        // each target's two sides are measured in short alternating rounds, not one after the other.
        Latency latency = compareLatency(r, chain, load, server, imgs, inProcessWarmP50, warm);
        Throughput throughput = compareThroughput(r, chain, load, server, imgs, bestBatch, cores);

        long[] b2 = server.batches();
        StreamLoad.Result paced = load.run(pacedStreams, fps, 8, seconds, pacedDropPolicy.proto);
        phase(r, "server_" + pacedStreams + "_streams_at_" + (int) fps + "fps", paced, server, b2);
        r.put("server_rss_mib_after", server.rssMiB());

        double p50One = latency.server().latencyUs().getValueAtPercentile(50) / 1000.0;
        StreamLoad.Result many = throughput.server();
        double p50Many = many.latencyUs().getValueAtPercentile(50) / 1000.0;
        double p99Many = many.latencyUs().getValueAtPercentile(99) / 1000.0;
        Map<String, Double> ratios = new LinkedHashMap<>();
        ratios.put("p50_1_stream_over_inprocess_p50 (target <= 1.15)", p50One / latency.inProcessP50());
        ratios.put("p50_1_stream_grpc_floor_over_inprocess_p50 (no server can do better)",
            latency.floorP50() / latency.inProcessP50());
        ratios.put("fps_" + throughputStreams + "_streams_over_inprocess_best (target >= 0.85)",
            many.fps() / throughput.inProcessFps());
        ratios.put("p99_over_p50_" + throughputStreams + "_streams (target <= 4)", p99Many / p50Many);
        r.put("ratios", ratios);
        for (ManagedChannel ch : channels) {
          ch.shutdownNow();
        }
      }
    }
    String json = Json.write(r);
    System.out.println(json);
    Path file = out.resolve((smoke ? "smoke-" : "bench-") + Instant.now().toString().replace(':', '-') + ".json");
    Files.writeString(file, json + "\n");
    if (!smoke) {
      Files.writeString(out.resolve("latest.json"), json + "\n");
    }
    System.err.println("written to " + file);
    return 0;
  }

  /** The in-process chain runs with the same provider and settings as the server under test. */
  private ServerConfig inProcessConfig() {
    ServerConfig config = new ServerConfig();
    for (String arg : serverArgs) {
      if (arg.startsWith("--provider=")) {
        config.set("provider", arg.substring("--provider=".length()));
      } else if (arg.startsWith("--set=")) {
        String kv = arg.substring("--set=".length());
        int eq = kv.indexOf('=');
        config.set(kv.substring(0, eq), kv.substring(eq + 1));
      } else if (arg.startsWith("--models=")) {
        config.set("models", arg.substring("--models=".length()));
      }
    }
    return config;
  }

  private record Latency(double inProcessP50, StreamLoad.Result server, double floorP50) {}

  /**
   * 1 stream against in-process batch 1 and against the gRPC floor (a do-nothing service that
   * holds each frame as long as the in-process chain took in the same round), in 1 s rounds.
   */
  private Latency compareLatency(Map<String, Object> r, InProcessChain chain, StreamLoad load, ServerProcess server,
      List<byte[]> imgs, double warmP50Ms, double warmSeconds) throws Exception {
    int rounds = Math.max(1, (int) Math.round(seconds));
    double round = seconds / rounds;
    Histogram inLatency = new Histogram(3);
    Map<String, Histogram> inStages = new LinkedHashMap<>();
    List<StreamLoad.Result> serverRounds = new ArrayList<>();
    List<StreamLoad.Result> floorRounds = new ArrayList<>();
    List<Double> roundRatios = new ArrayList<>();
    long[] batches = server.batches();
    try (TransportFloor floor = new TransportFloor()) {
      StreamLoad floorLoad = new StreamLoad(List.of(floor.channel()), imgs, crops);
      floor.holdFor((long) (warmP50Ms * 1e6));
      floorLoad.run(1, 0, 1, warmSeconds / 3);
      for (int i = 0; i < rounds; i++) {
        Histogram in = new Histogram(3);
        chain.latencyBatch1(imgs, crops, round, in, inStages);
        inLatency.add(in);
        StreamLoad.Result res = load.run(1, 0, 1, round);
        serverRounds.add(res);
        roundRatios.add(res.latencyUs().getValueAtPercentile(50) / (double) in.getValueAtPercentile(50));
        floor.holdFor(in.getValueAtPercentile(50) * 1000);
        floorRounds.add(floorLoad.run(1, 0, 1, round));
      }
    }
    double inP50 = inLatency.getValueAtPercentile(50) / 1000.0;
    double floorP50 = StreamLoad.Result.pooled(floorRounds).latencyUs().getValueAtPercentile(50) / 1000.0;
    r.put("inprocess_b1_p50_ms", inP50);
    r.put("inprocess_b1_p99_ms", inLatency.getValueAtPercentile(99) / 1000.0);
    r.put("inprocess_b1_stage_p50_ms", p50s(inStages));
    System.err.printf(Locale.ROOT, "in-process batch 1: p50 %.3f ms; stage p50 (ms): %s%n", inP50, p50s(inStages));
    StreamLoad.Result one = StreamLoad.Result.pooled(serverRounds);
    phase(r, "server_1_stream", one, server, batches);
    r.put("p50_1_stream_ratio_across_rounds", spread(roundRatios));
    r.put("grpc_floor_1_stream_p50_ms", floorP50);
    System.err.printf(Locale.ROOT, "gRPC floor (a do-nothing service holding each frame for the in-process p50): "
        + "p50 %.3f ms = %.3f x in-process%n", floorP50, floorP50 / inP50);
    return new Latency(inP50, one, floorP50);
  }

  private record Throughput(double inProcessFps, StreamLoad.Result server) {}

  /** N streams flat out against the in-process chain at its best batch, in 2.5 s rounds. */
  private Throughput compareThroughput(Map<String, Object> r, InProcessChain chain, StreamLoad load,
      ServerProcess server, List<byte[]> imgs, int bestBatch, int cores) throws Exception {
    int rounds = Math.max(1, (int) Math.round(seconds / 2.5));
    double round = seconds / rounds;
    List<StreamLoad.Result> serverRounds = new ArrayList<>();
    List<Double> inFps = new ArrayList<>();
    double serverCpu = 0;
    double clientCpu = 0;
    long[] batches = server.batches();
    for (int i = 0; i < rounds; i++) {
      inFps.add(chain.throughput(imgs, crops, bestBatch, cores, round));
      double cpu0 = server.cpuSeconds();
      double clientCpu0 = ownCpuSeconds();
      serverRounds.add(load.run(throughputStreams, 0, 4, round));
      serverCpu += server.cpuSeconds() - cpu0;
      clientCpu += ownCpuSeconds() - clientCpu0;
    }
    double bestFps = inFps.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    r.put("inprocess_best_fps", bestFps);
    r.put("inprocess_best_fps_across_rounds", spread(inFps));
    System.err.printf(Locale.ROOT, "in-process batch %d: %.0f frames/s (rounds %s)%n", bestBatch, bestFps, spread(inFps));
    StreamLoad.Result many = StreamLoad.Result.pooled(serverRounds);
    phase(r, "server_" + throughputStreams + "_streams", many, server, batches);
    r.put("server_" + throughputStreams + "_streams_cpu_cores", serverCpu / many.seconds());
    // The load generator shares this machine: what it used is what the server could not.
    r.put("load_generator_" + throughputStreams + "_streams_cpu_cores", clientCpu / many.seconds());
    return new Throughput(bestFps, many);
  }

  private static void phase(Map<String, Object> r, String name, StreamLoad.Result res, ServerProcess server,
      long[] batchesBefore) throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    long[] batchesAfter = server.batches();
    long runs = batchesAfter[0] - batchesBefore[0];
    Histogram h = res.latencyUs();
    m.put("streams", res.streams());
    m.put("frames", res.frames());
    m.put("fps", res.fps());
    m.put("errors", res.errors());
    m.put("out_of_order", res.outOfOrder());
    m.put("dropped_by_server", res.dropped());
    m.put("p50_ms", h.getValueAtPercentile(50) / 1000.0);
    m.put("p90_ms", h.getValueAtPercentile(90) / 1000.0);
    m.put("p99_ms", h.getValueAtPercentile(99) / 1000.0);
    m.put("max_ms", h.getMaxValue() / 1000.0);
    m.put("server_rss_mib", server.rssMiB());
    m.put("mean_batch_faces", runs == 0 ? 0 : (double) (batchesAfter[1] - batchesBefore[1]) / runs);
    Map<String, Double> stageP50 = p50s(res.stageUs());
    m.put("server_reported_p50_ms", stageP50);
    if (!res.sampleErrors().isEmpty()) {
      m.put("sample_errors", String.join(" | ", res.sampleErrors()));
    }
    r.put(name, m);
    System.err.printf(Locale.ROOT, "%s: %.0f frames/s, p50 %.2f ms, p99 %.2f ms, errors %d, dropped %d, RSS %.0f MiB, "
        + "mean batch %.1f%n", name, res.fps(), h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
        res.errors(), res.dropped(), server.rssMiB(), m.get("mean_batch_faces"));
    System.err.println("  server-reported stage p50 (ms): " + stageP50);
  }

  /** min, median and max of per-round figures: how much the machine moved during the run. */
  private static Map<String, Double> spread(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("min", sorted.get(0));
    m.put("median", sorted.get(sorted.size() / 2));
    m.put("max", sorted.get(sorted.size() - 1));
    return m;
  }

  private static Map<String, Double> p50s(Map<String, Histogram> stageUs) {
    Map<String, Double> p50 = new LinkedHashMap<>();
    stageUs.forEach((stage, hist) -> p50.put(stage, hist.getValueAtPercentile(50) / 1000.0));
    return p50;
  }

  private static double ownCpuSeconds() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e9 : 0;
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
    } catch (Exception e) {
      return "unknown";
    }
  }

  private static String commit() {
    try {
      Process p = new ProcessBuilder("git", "-C", ServerConfig.home().toString(), "rev-parse", "--short", "HEAD")
          .redirectErrorStream(true).start();
      String s = new String(p.getInputStream().readAllBytes()).trim();
      return p.waitFor() == 0 ? s : "unknown";
    } catch (Exception e) {
      return "unknown";
    }
  }
}
