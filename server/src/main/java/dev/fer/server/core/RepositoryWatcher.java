package dev.fer.server.core;

import dev.fer.server.repository.ModelRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watch mode: polls each pipeline's generator folders and, when a newer version folder appears,
 * loads, warms and swaps it in (it replaces the variant of the same name). A broken version is
 * reported (log and {@code fer admin list}) and not retried. Polling, not file events, because
 * it behaves the same on every file system, network mounts included.
 */
public final class RepositoryWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RepositoryWatcher.class);

  private final VariantManager manager;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "fer-repository-watch");
    t.setDaemon(true);
    return t;
  });
  /** Newest version folder seen per stage folder; only a newer one is loaded. */
  private final Map<Path, Path> seen = new HashMap<>();
  /** A new folder and its contents at the last poll: loaded once unchanged for a whole interval. */
  private final Map<Path, String> settling = new HashMap<>();

  public RepositoryWatcher(VariantManager manager) {
    this.manager = manager;
  }

  public RepositoryWatcher start(long intervalMillis) {
    for (Pipeline p : manager.catalog().all()) {
      for (Path stage : generatorStages(p)) {
        newest(stage).ifPresent(v -> seen.put(stage, v));
      }
    }
    timer.scheduleWithFixedDelay(this::pollSafely, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    log.info("watching {} generator folders for new versions every {} ms", seen.size(), intervalMillis);
    return this;
  }

  private void pollSafely() {
    try {
      poll();
    } catch (RuntimeException e) {
      log.warn("repository watch failed this round: {}", e.toString());
    }
  }

  /** One round; package-visible so tests need not wait for the timer. */
  synchronized void poll() {
    for (Pipeline p : manager.catalog().all()) {
      for (Path stage : generatorStages(p)) {
        newest(stage).ifPresent(version -> consider(p, stage, version));
      }
    }
  }

  private void consider(Pipeline pipeline, Path stage, Path version) {
    Path known = seen.get(stage);
    if (known != null && versionNumber(version) <= versionNumber(known)) {
      return;
    }
    // A folder still being copied would look broken: wait until its contents stop changing.
    String contents = fingerprint(version);
    if (contents.isEmpty() || !contents.equals(settling.put(version, contents))) {
      return;
    }
    settling.remove(version);
    seen.put(stage, version);
    if (pipeline.variants().all().stream().anyMatch(v -> v.model().directory().toAbsolutePath().normalize()
        .equals(version.toAbsolutePath().normalize()))) {
      return; // already loaded through the admin API
    }
    log.info("pipeline {}: new generator version {}; loading", pipeline.name(), version);
    manager.load(pipeline.name(), version.toString(), false).whenComplete((status, error) -> {
      if (error != null) {
        log.error("pipeline {}: new version {} ignored: {}", pipeline.name(), version, error.getMessage());
      }
    });
  }

  /** The pipeline's generator stages, and any generator-* folder added beside them since. */
  private static Set<Path> generatorStages(Pipeline p) {
    Set<Path> stages = new LinkedHashSet<>();
    p.spec().generators().forEach(g -> stages.add(p.directory().resolve(g)));
    try (Stream<Path> dirs = Files.list(p.directory())) {
      dirs.filter(Files::isDirectory).filter(d -> d.getFileName().toString().startsWith("generator-"))
          .sorted().forEach(stages::add);
    } catch (IOException e) {
      log.warn("cannot list {}: {}", p.directory(), e.getMessage());
    }
    return stages;
  }

  private static java.util.Optional<Path> newest(Path stage) {
    try {
      List<Path> versions = ModelRepository.versionDirectories(stage);
      return versions.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(versions.get(versions.size() - 1));
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  private static long versionNumber(Path version) {
    return Long.parseLong(version.getFileName().toString());
  }

  private static String fingerprint(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      StringBuilder b = new StringBuilder();
      files.sorted().forEach(f -> {
        try {
          b.append(f.getFileName()).append(':').append(Files.size(f)).append(':')
              .append(Files.getLastModifiedTime(f).toMillis()).append(';');
        } catch (IOException e) {
          b.append(f.getFileName()).append(":?;");
        }
      });
      return b.toString();
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
