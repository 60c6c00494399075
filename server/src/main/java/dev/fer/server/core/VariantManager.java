package dev.fer.server.core;

import dev.fer.server.repository.ModelRepository;
import dev.fer.spi.ModelLoadException;
import dev.fer.spi.ModelVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live changes to the generator variants of the served pipelines: load, unload, route. Loading
 * and draining run on their own threads, so serving never waits for them; a variant takes traffic
 * only once it is loaded, checked and warmed. Transport-independent: the admin gRPC service and
 * the repository watcher both drive it.
 */
public final class VariantManager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(VariantManager.class);

  private final PipelineCatalog catalog;
  private final PipelineLoader loader;
  private final long drainTimeoutSeconds;
  /** One load at a time: loads are rare, and two warm-ups at once would only slow serving more. */
  private final ExecutorService loading = Executors.newSingleThreadExecutor(daemon("fer-variant-loader"));
  private final ExecutorService draining = Executors.newCachedThreadPool(daemon("fer-variant-drain"));
  /** Versions that are not (or no longer) READY, by pipeline and folder: loading, failed, draining. */
  private final Map<String, VariantStatus> transitions = new ConcurrentHashMap<>();

  public VariantManager(PipelineCatalog catalog, PipelineLoader loader, long drainTimeoutSeconds) {
    this.catalog = catalog;
    this.loader = loader;
    this.drainTimeoutSeconds = drainTimeoutSeconds;
  }

  public PipelineCatalog catalog() {
    return catalog;
  }

  /**
   * Loads a generator version (or a stage folder's newest version) in the background and
   * publishes it once warm, replacing (and draining) a variant of the same name. The future fails
   * with a {@link RecognitionException} whose message says what is wrong and what to do.
   */
  public CompletableFuture<VariantStatus> load(String pipelineName, String path, boolean activate) {
    Pipeline pipeline;
    ModelVersion model;
    try {
      pipeline = catalog.get(pipelineName);
      model = resolve(pipeline, path);
    } catch (RecognitionException e) {
      return CompletableFuture.failedFuture(e);
    }
    String key = key(pipeline.name(), model.directory());
    VariantStatus loadingStatus = new VariantStatus(pipeline.name(), model.card().variant(), model.version(),
        model.directory().toString(), VariantState.LOADING, "", 0);
    transitions.put(key, loadingStatus);
    CompletableFuture<VariantStatus> done = new CompletableFuture<>();
    loading.execute(() -> {
      try {
        GeneratorVariant variant = loader.loadVariant(pipeline, model,
            state -> transitions.put(key, loadingStatus.with(state, "")));
        GeneratorVariant replaced = pipeline.variants().publish(variant);
        transitions.remove(key);
        if (activate) {
          activate(pipeline.name(), variant.name());
        }
        if (replaced != null) {
          drain(pipeline.name(), replaced);
        }
        log.info("pipeline {}: generator variant {} version {} is ready{}{}", pipeline.name(), variant.name(),
            model.version(), replaced == null ? "" : " (replaces version " + replaced.model().version() + ")",
            activate ? " and active" : "");
        done.complete(VariantStatus.of(pipeline.name(), variant));
      } catch (ModelLoadException e) {
        String reason = e.getMessage() + ". The variant was not loaded and the serving variants are unchanged; "
            + "fix the model or its card.json and load it again";
        transitions.put(key, loadingStatus.with(VariantState.FAILED, reason));
        log.error("pipeline {}: generator {} refused: {}", pipeline.name(), model.directory(), e.getMessage());
        done.completeExceptionally(new RecognitionException(RecognitionException.Kind.INVALID_ARGUMENT, reason, e));
      } catch (RecognitionException e) {
        done.completeExceptionally(e);
      } catch (RuntimeException e) {
        String reason = "unexpected error while loading " + model.directory() + ": " + e
            + ". The serving variants are unchanged; see the server log";
        transitions.put(key, loadingStatus.with(VariantState.FAILED, reason));
        log.error("pipeline {}: loading {} failed", pipeline.name(), model.directory(), e);
        done.completeExceptionally(new RecognitionException(RecognitionException.Kind.INTERNAL, reason, e));
      }
    });
    return done;
  }

  /** A version folder, or a stage folder's newest version; relative paths start at the pipeline's folder. */
  private static ModelVersion resolve(Pipeline pipeline, String path) throws RecognitionException {
    if (path == null || path.isBlank()) {
      throw new RecognitionException(RecognitionException.Kind.INVALID_ARGUMENT,
          "no path given; name a generator version folder such as generator-vae/2 (relative to "
              + pipeline.directory() + ") or an absolute path");
    }
    Path dir = pipeline.directory().resolve(path).toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new RecognitionException(RecognitionException.Kind.NOT_FOUND,
          "no folder " + dir + "; name a generator version folder such as generator-vae/2 (relative to "
              + pipeline.directory() + ") or an absolute path");
    }
    try {
      ModelVersion model = Files.isRegularFile(dir.resolve("card.json"))
          ? ModelRepository.readVersion(dir) : ModelRepository.latestVersion(dir);
      if (!"generator".equals(model.card().stage())) {
        throw new ModelLoadException(model.directory() + " holds a " + model.card().stage()
            + " model (card \"stage\"); only generator variants can be loaded live");
      }
      return model;
    } catch (ModelLoadException e) {
      throw new RecognitionException(RecognitionException.Kind.INVALID_ARGUMENT,
          e.getMessage() + ". Nothing was loaded and the serving variants are unchanged; fix the folder and load again", e);
    }
  }

  /** Takes a variant out of routing; it drains in the background and is then closed. */
  public VariantStatus unload(String pipelineName, String variant) throws RecognitionException {
    Pipeline pipeline = catalog.get(pipelineName);
    GeneratorVariant removed = pipeline.variants().withdraw(variant);
    drain(pipeline.name(), removed);
    return VariantStatus.of(pipeline.name(), removed).with(VariantState.DRAINING, "");
  }

  private void drain(String pipeline, GeneratorVariant variant) {
    String key = key(pipeline, variant.model().directory()) + "#" + System.identityHashCode(variant);
    transitions.put(key, VariantStatus.of(pipeline, variant).with(VariantState.DRAINING, ""));
    draining.execute(() -> {
      try {
        boolean clean = variant.drainAndClose(drainTimeoutSeconds, TimeUnit.SECONDS);
        if (!clean) {
          log.warn("pipeline {}: variant {} still had frames after {} s; closed anyway", pipeline, variant.name(),
              drainTimeoutSeconds);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        // Forgotten once closed: list shows what serves or may serve, not history.
        transitions.remove(key);
      }
    });
  }

  /** All traffic to one READY variant (the split is cleared, the shadow kept). */
  public TrafficSplit activate(String pipelineName, String variant) throws RecognitionException {
    VariantRegistry registry = catalog.get(pipelineName).variants();
    synchronized (registry) {
      TrafficSplit next = new TrafficSplit(variant, Map.of(), registry.split().shadow());
      registry.setSplit(next);
      return next;
    }
  }

  /** Weights per READY variant; empty goes back to the active variant alone. */
  public TrafficSplit split(String pipelineName, Map<String, Double> weights) throws RecognitionException {
    VariantRegistry registry = catalog.get(pipelineName).variants();
    for (Map.Entry<String, Double> w : weights.entrySet()) {
      if (!(w.getValue() > 0) || w.getValue().isInfinite()) {
        throw new RecognitionException(RecognitionException.Kind.INVALID_ARGUMENT,
            "weight of '" + w.getKey() + "' is " + w.getValue() + "; weights must be positive numbers "
                + "(leave a variant out to give it no traffic)");
      }
    }
    synchronized (registry) {
      // Sorted, so that a stream's variant depends on the weights only, not on the order given.
      Map<String, Double> sorted = new LinkedHashMap<>();
      weights.keySet().stream().sorted().forEach(k -> sorted.put(k, weights.get(k)));
      TrafficSplit next = registry.split().withWeights(sorted);
      registry.setSplit(next);
      return next;
    }
  }

  /** Mirrors frames to a READY variant; empty stops shadowing. */
  public TrafficSplit shadow(String pipelineName, String variant) throws RecognitionException {
    VariantRegistry registry = catalog.get(pipelineName).variants();
    synchronized (registry) {
      TrafficSplit next = registry.split().withShadow(variant == null ? "" : variant);
      registry.setSplit(next);
      return next;
    }
  }

  /** READY variants first (by name), then the ones loading, failed or draining. */
  public List<VariantStatus> list(String pipelineName) throws RecognitionException {
    Pipeline pipeline = catalog.get(pipelineName);
    List<VariantStatus> out = new ArrayList<>();
    for (String name : pipeline.variants().names()) {
      GeneratorVariant v = pipeline.variants().get(name);
      if (v != null) {
        out.add(VariantStatus.of(pipeline.name(), v));
      }
    }
    transitions.values().stream().filter(s -> s.pipeline().equals(pipeline.name()))
        .sorted(Comparator.comparing(VariantStatus::variant).thenComparing(VariantStatus::path))
        .forEach(out::add);
    return out;
  }

  private static String key(String pipeline, Path dir) {
    return pipeline + "|" + dir.toAbsolutePath().normalize();
  }

  private static java.util.concurrent.ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    loading.shutdownNow();
    draining.shutdown();
    try {
      draining.awaitTermination(drainTimeoutSeconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
