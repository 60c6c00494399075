package dev.fer.server;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.fer.server.config.ServerConfig;
import dev.fer.server.config.ServerModule;
import dev.fer.server.core.ChainRunner;
import dev.fer.server.core.FrameListener;
import dev.fer.server.core.InferenceEngine;
import dev.fer.server.core.Pipeline;
import dev.fer.server.core.PipelineCatalog;
import dev.fer.server.core.PipelineLoader;
import dev.fer.server.core.StageRunner;
import dev.fer.server.grpc.RecognitionService;
import dev.fer.server.oip.InferenceService;
import dev.fer.server.repository.ModelRepository;
import dev.fer.spi.ModelLoadException;
import dev.fer.spi.Preprocessor;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
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

  public FerServer(ServerConfig config, ServerBuilder<?> transport) {
    this.config = config;
    this.transport = transport;
  }

  /** The production transport: Netty on host:port with the configured message size limit. */
  public static NettyServerBuilder netty(ServerConfig config) {
    return NettyServerBuilder.forAddress(new InetSocketAddress(config.string("host"), config.integer("port")))
        .maxInboundMessageSize(config.integer("max-message-bytes"))
        .permitKeepAliveTime(10, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true);
  }

  /** Services added by other parts (admin, OIP) before {@link #start()}. */
  public FerServer addService(BindableService service) {
    extraServices.add(service);
    return this;
  }

  public FerServer start() throws IOException, ModelLoadException {
    injector = Guice.createInjector(new ServerModule(config));
    catalog = new PipelineCatalog();
    Set<FrameListener> listeners = injector.getInstance(Key.get(new TypeLiteral<Set<FrameListener>>() {}));
    engine = new InferenceEngine(catalog, injector.getInstance(Preprocessor.class),
        injector.getInstance(ChainRunner.class), new ArrayList<>(listeners),
        new InferenceEngine.Settings(config.integer("workers"), config.integer("queue-capacity"),
            config.integer("max-batch"), config.longValue("max-batch-delay-us"), config.integer("batch-threads")));

    health.setStatus("", ServingStatus.NOT_SERVING);
    health.setStatus(dev.fer.v1.RecognitionGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING);
    health.setStatus(dev.fer.oip.GRPCInferenceServiceGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING);
    recognition = new RecognitionService(engine, config.integer("stream-window"));
    // The Open Inference Protocol (KServe v2 / Triton) on the same port and engine as fer.v1.
    InferenceService oip = new InferenceService(engine, injector.getInstance(StageRunner.class), () -> ready,
        config.integer("stream-window"));
    transport.addService(recognition)
        .addService(oip)
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance());
    extraServices.forEach(transport::addService);
    server = transport.build().start();
    log.info("listening on port {}; loading models from {}", server.getPort(), config.modelsDir().toAbsolutePath());

    try {
      engine.preprocessor().warmUp();
      loadPipelines();
    } catch (ModelLoadException | RuntimeException e) {
      close();
      throw e;
    }
    ready = true;
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus(dev.fer.v1.RecognitionGrpc.SERVICE_NAME, ServingStatus.SERVING);
    health.setStatus(dev.fer.oip.GRPCInferenceServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    log.info("serving pipelines {} (default {})", catalog.names(), catalog.defaultName());
    return this;
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
    if (catalog != null) {
      catalog.close();
    }
  }
}
