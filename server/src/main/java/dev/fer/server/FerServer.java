package dev.fer.server;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.fer.server.admin.AdminAccess;
import dev.fer.server.admin.AdminService;
import dev.fer.server.admin.BearerTokenInterceptor;
import dev.fer.server.config.ServerConfig;
import dev.fer.server.config.ServerModule;
import dev.fer.server.core.ChainRunner;
import dev.fer.server.core.FrameListener;
import dev.fer.server.core.InferenceEngine;
import dev.fer.server.core.Pipeline;
import dev.fer.server.core.PipelineCatalog;
import dev.fer.server.core.PipelineLoader;
import dev.fer.server.core.RepositoryWatcher;
import dev.fer.server.core.StageRunner;
import dev.fer.server.core.VariantManager;
import dev.fer.server.grpc.RecognitionService;
import dev.fer.server.metrics.MetricsEndpoint;
import dev.fer.server.metrics.VariantMetrics;
import dev.fer.server.oip.InferenceService;
import dev.fer.server.repository.ModelRepository;
import dev.fer.spi.ModelLoadException;
import dev.fer.spi.Preprocessor;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole server: plugins wired by Guice, the model repository loaded into pipelines, the
 * inference engine, and the gRPC services on whatever transport the caller gives (Netty for real
 * use, in-process in tests). Health says SERVING only after every pipeline loaded and warmed.
 */
public final class FerServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FerServer.class);

  private final ServerConfig config;
  private final ServerBuilder<?> transport;
  private final List<BindableService> extraServices = new ArrayList<>();
  private final HealthStatusManager health = new HealthStatusManager();
  private Injector injector;
  private PipelineCatalog catalog;
  private InferenceEngine engine;
  private Server server;
  private RecognitionService recognition;
  private volatile boolean ready;
  private VariantMetrics metrics;
  private VariantManager variants;
  private Server adminServer;
  private MetricsEndpoint metricsEndpoint;
  private RepositoryWatcher watcher;

  public FerServer(ServerConfig config, ServerBuilder<?> transport) {
    this.config = config;
    this.transport = transport;
  }

  /** The production transport: Netty on host:port with the configured message size limit. */
  public static NettyServerBuilder netty(ServerConfig config) {
    return NettyServerBuilder.forAddress(new InetSocketAddress(config.string("host"), config.integer("port")))
        .maxInboundMessageSize(config.integer("max-message-bytes"))
        // Handlers only hand frames to the engine and never block, so they run on the event loop
        // and skip a thread hop per message.
        .directExecutor()
        .permitKeepAliveTime(10, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true);
  }

  /** Services added by other parts (admin, OIP) before {@link #start()}. */
  public FerServer addService(BindableService service) {
    extraServices.add(service);
    return this;
  }

  public FerServer start() throws IOException, ModelLoadException {
    try {
      return startAll();
    } catch (IOException | ModelLoadException | RuntimeException e) {
      // Free the ports and models taken so far, so a failed start leaves nothing behind.
      close();
      throw e;
    }
  }

  private FerServer startAll() throws IOException, ModelLoadException {
    injector = Guice.createInjector(new ServerModule(config));
    catalog = new PipelineCatalog();
    Set<FrameListener> listeners = injector.getInstance(Key.get(new TypeLiteral<Set<FrameListener>>() {}));
    engine = new InferenceEngine(catalog, injector.getInstance(Preprocessor.class),
        injector.getInstance(ChainRunner.class), new ArrayList<>(listeners),
        new InferenceEngine.Settings(config.integer("workers"), config.integer("queue-capacity"),
            config.maxBatch(), config.longValue("max-batch-delay-us"), config.longValue("max-batch-hold-us"),
            config.integer("batch-threads")));

    health.setStatus("", ServingStatus.NOT_SERVING);
    health.setStatus(dev.fer.v1.RecognitionGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING);
    health.setStatus(dev.fer.oip.GRPCInferenceServiceGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING);
    recognition = new RecognitionService(engine, config.integer("stream-window"));
    // The Open Inference Protocol (KServe v2 / Triton) on the same port and engine as fer.v1.
    InferenceService oip = new InferenceService(engine, injector.getInstance(StageRunner.class), () -> ready,
        config.integer("stream-window"));
    String recognitionToken = config.string("recognition-token");
    transport.addService(recognitionToken.isEmpty() ? recognition.bindService()
            : ServerInterceptors.intercept(recognition, new BearerTokenInterceptor(recognitionToken, "Recognition service")))
        .addService(recognitionToken.isEmpty() ? oip.bindService()
            : ServerInterceptors.intercept(oip, new BearerTokenInterceptor(recognitionToken, "Inference service")))
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance());
    extraServices.forEach(transport::addService);
    server = transport.build().start();
    log.info("listening on port {}; loading models from {}", server.getPort(), config.modelsDir().toAbsolutePath());

    metrics = injector.getInstance(VariantMetrics.class);
    metrics.watch(catalog);
    variants = new VariantManager(catalog, injector.getInstance(PipelineLoader.class),
        config.longValue("drain-timeout-seconds"));
    startAdmin();
    if (config.integer("metrics-port") >= 0) {
      metricsEndpoint = MetricsEndpoint.start(metrics, config.string("metrics-host"), config.integer("metrics-port"));
      log.info("Prometheus metrics on http://{}:{}/metrics", config.string("metrics-host"), metricsEndpoint.port());
    }
    engine.preprocessor().warmUp();
    loadPipelines();
    if (config.flag("watch-models")) {
      watcher = new RepositoryWatcher(variants).start(config.longValue("watch-interval-ms"));
    }
    ready = true;
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus(dev.fer.v1.RecognitionGrpc.SERVICE_NAME, ServingStatus.SERVING);
    health.setStatus(dev.fer.oip.GRPCInferenceServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    log.info("serving pipelines {} (default {})", catalog.names(), catalog.defaultName());
    return this;
  }

  /** The admin API on its own port: loopback only unless a credential is configured. */
  private void startAdmin() throws IOException {
    AdminAccess access = new AdminAccess(config);
    if (!access.enabled()) {
      return;
    }
    AdminService admin = new AdminService(variants, metrics);
    ServerBuilder<?> b = access.transport();
    b.addService(access.hasToken()
        ? ServerInterceptors.intercept(admin, new BearerTokenInterceptor(access.token(), "admin service"))
        : admin.bindService());
    try {
      adminServer = b.build().start();
    } catch (IOException e) {
      throw new IOException("cannot start the admin service on " + access.host() + ":" + config.integer("admin-port")
          + ": " + e.getMessage() + "; choose another admin-port (0 = any free port, -1 = no admin service)", e);
    }
    log.info("admin service on {}:{} ({})", access.host(), adminServer.getPort(),
        access.hasMutualTls() ? "mutual TLS" : access.hasToken() ? "bearer token" : "loopback only, no credential");
  }

  private void loadPipelines() throws ModelLoadException {
    ModelRepository repository = new ModelRepository(config.modelsDir());
    PipelineLoader loader = injector.getInstance(PipelineLoader.class);
    List<Path> dirs = repository.pipelineDirectories();
    if (dirs.isEmpty()) {
      throw new ModelLoadException("model repository " + repository.root() + " has no pipeline (no */pipeline.json)");
    }
    String wanted = config.string("default-pipeline");
    List<String> refusals = new ArrayList<>();
    for (Path dir : dirs) {
      try {
        Pipeline p = loader.load(dir);
        catalog.add(p, p.name().equals(wanted));
      } catch (ModelLoadException e) {
        log.error("pipeline in {} refused: {}", dir, e.getMessage());
        refusals.add(e.getMessage());
      }
    }
    if (catalog.names().isEmpty()) {
      throw new ModelLoadException("no pipeline in " + repository.root() + " could be loaded: "
          + String.join("; ", refusals));
    }
  }

  public int port() {
    return server.getPort();
  }

  /** Port of the admin service, or -1 when it is off. */
  public int adminPort() {
    return adminServer == null ? -1 : adminServer.getPort();
  }

  /** Port of the /metrics endpoint, or -1 when it is off. */
  public int metricsPort() {
    return metricsEndpoint == null ? -1 : metricsEndpoint.port();
  }

  public VariantManager variants() {
    return variants;
  }

  public VariantMetrics metrics() {
    return metrics;
  }

  public InferenceEngine engine() {
    return engine;
  }

  public RecognitionService recognition() {
    return recognition;
  }

  public Injector injector() {
    return injector;
  }

  public HealthStatusManager health() {
    return health;
  }

  public void blockUntilShutdown() throws InterruptedException {
    server.awaitTermination();
  }

  /** Graceful: stop taking calls, let in-flight frames finish, then free the models. */
  @Override
  public void close() {
    ready = false;
    health.enterTerminalState();
    if (watcher != null) {
      watcher.close();
    }
    if (adminServer != null) {
      adminServer.shutdownNow();
    }
    if (metricsEndpoint != null) {
      metricsEndpoint.close();
    }
    if (server != null) {
      server.shutdown();
      try {
        if (!server.awaitTermination(config.integer("shutdown-grace-seconds"), TimeUnit.SECONDS)) {
          server.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        server.shutdownNow();
      }
    }
    if (engine != null) {
      engine.close();
    }
    if (variants != null) {
      variants.close();
    }
    if (catalog != null) {
      catalog.close();
    }
  }
}
