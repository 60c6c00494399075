package dev.fer.server.oip;

import dev.fer.oip.InferStatistics;
import dev.fer.oip.ModelStatistics;
import dev.fer.oip.StatisticDuration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cumulative counts and times per model and version, for the statistics extension
 * (perf_analyzer reads server-side times from it). Counted per request, as the protocol client
 * sees it; the engine's own batching across requests is not visible here.
 */
final class OipStatistics {
  private final Map<String, Counters> byModel = new ConcurrentHashMap<>();

  private static final class Counters {
    final AtomicLong successCount = new AtomicLong();
    final AtomicLong successNanos = new AtomicLong();
    final AtomicLong failCount = new AtomicLong();
    final AtomicLong failNanos = new AtomicLong();
    final AtomicLong inferences = new AtomicLong();
    final AtomicLong lastMillis = new AtomicLong();
  }

  void record(String model, String version, int batch, boolean ok, long nanos) {
    Counters c = byModel.computeIfAbsent(key(model, version), k -> new Counters());
    if (ok) {
      c.successCount.incrementAndGet();
      c.successNanos.addAndGet(nanos);
      c.inferences.addAndGet(batch);
    } else {
      c.failCount.incrementAndGet();
      c.failNanos.addAndGet(nanos);
    }
    c.lastMillis.set(System.currentTimeMillis());
  }

  /** The statistics of one version; zeros when it has not been called yet. */
  ModelStatistics of(String model, String version) {
    Counters c = byModel.getOrDefault(key(model, version), new Counters());
    long ok = c.successCount.get();
    long okNanos = c.successNanos.get();
    StatisticDuration success = duration(ok, okNanos);
    return ModelStatistics.newBuilder()
        .setName(model)
        .setVersion(version)
        .setLastInference(c.lastMillis.get())
        .setInferenceCount(c.inferences.get())
        .setExecutionCount(ok)
        .setInferenceStats(InferStatistics.newBuilder()
            .setSuccess(success)
            .setFail(duration(c.failCount.get(), c.failNanos.get()))
            // The whole request is one compute step here; queue and copies are inside it.
            .setQueue(duration(ok, 0))
            .setComputeInput(duration(ok, 0))
            .setComputeInfer(success)
            .setComputeOutput(duration(ok, 0)))
        .build();
  }

  private static StatisticDuration duration(long count, long nanos) {
    return StatisticDuration.newBuilder().setCount(count).setNs(nanos).build();
  }

  private static String key(String model, String version) {
    return model + "\u0000" + version;
  }
}
