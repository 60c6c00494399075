package dev.fer.server.metrics;

import dev.fer.server.core.FrameListener;
import dev.fer.server.core.FrameResult;
import dev.fer.server.core.FrameTask;
import dev.fer.server.core.GeneratorVariant;
import dev.fer.server.core.Pipeline;
import dev.fer.server.core.PipelineCatalog;
import dev.fer.server.core.TrafficSplit;
import dev.fer.server.core.RecognitionException;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-variant figures of every frame, kept in Prometheus instruments: /metrics exports them as
 * they are and the admin API reads the same instruments back ({@link #report}), so both always
 * agree. One registry per server, so that several servers in one JVM (tests) stay apart.
 */
@Singleton
public final class VariantMetrics implements FrameListener {
  /** Latency buckets in seconds: sub-millisecond model runs up to multi-second stalls. */
  static final double[] LATENCY_BOUNDS = {0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015,
      0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10};
  static final double[] CONFIDENCE_BOUNDS = {0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0};
  static final double[] BATCH_BOUNDS = {1, 2, 4, 8, 16, 32, 64, 128};
  static final String SERVED = "served";
  static final String SHADOW = "shadow";

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Histogram stageLatency = Histogram.builder().name("fer_stage_latency_seconds")
      .help("Time a frame spent in each stage, per generator variant (shadow runs included)")
      .labelNames("pipeline", "variant", "stage").classicOnly().classicUpperBounds(LATENCY_BOUNDS)
      .register(registry);
  private final Counter frames = Counter.builder().name("fer_variant_frames_total")
      .help("Frames run by a generator variant; role=served answered the client, role=shadow was mirrored")
      .labelNames("pipeline", "variant", "role").register(registry);
  private final Counter faces = Counter.builder().name("fer_variant_faces_total")
      .help("Faces classified by a generator variant, by top-1 expression")
      .labelNames("pipeline", "variant", "expression").register(registry);
  private final Histogram confidence = Histogram.builder().name("fer_top1_confidence")
      .help("Top-1 probability of each classified face, per generator variant")
      .labelNames("pipeline", "variant").classicOnly().classicUpperBounds(CONFIDENCE_BOUNDS).register(registry);
  private final Counter labelled = Counter.builder().name("fer_labelled_frames_total")
      .help("Frames that carried a ground_truth label, by whether the top face's label matched it")
      .labelNames("pipeline", "variant", "correct").register(registry);
  private final Counter shadowFaces = Counter.builder().name("fer_shadow_faces_total")
      .help("Faces run by both a primary and a shadow variant, by whether their top-1 labels agreed")
      .labelNames("pipeline", "primary", "shadow", "agree").register(registry);
  private final Histogram batchFaces = Histogram.builder().name("fer_batch_faces")
      .help("Faces per run of the model chain (dynamic batching across frames and streams)")
      .labelNames("pipeline", "variant").classicOnly().classicUpperBounds(BATCH_BOUNDS).register(registry);
  private final Counter failed = Counter.builder().name("fer_frames_failed_total")
      .help("Frames answered with an error, by gRPC code")
      .labelNames("pipeline", "code").register(registry);

  public PrometheusRegistry registry() {
    return registry;
  }

  /**
   * Adds gauges read from the live routing at scrape time: frames in flight per variant, each
   * variant's share of the traffic, and which variant is the shadow. Called once the catalog exists.
   */
  public void watch(PipelineCatalog catalog) {
    GaugeWithCallback.builder().name("fer_variant_in_flight")
        .help("Frames running on a generator variant right now").labelNames("pipeline", "variant")
        .callback(cb -> {
          for (Pipeline p : catalog.all()) {
            for (GeneratorVariant v : p.variants().all()) {
              cb.call(Math.max(0, v.inFlight()), p.name(), v.name());
            }
          }
        }).register(registry);
    GaugeWithCallback.builder().name("fer_variant_traffic_share")
        .help("Share of a pipeline's traffic routed to a generator variant (0..1); the shadow mirrors, it has no share")
        .labelNames("pipeline", "variant")
        .callback(cb -> {
          for (Pipeline p : catalog.all()) {
            TrafficSplit split = p.variants().split();
            double total = split.weights().values().stream().mapToDouble(Double::doubleValue).sum();
            for (String v : p.variants().names()) {
              double share = split.weights().isEmpty() ? (v.equals(split.active()) ? 1 : 0)
                  : split.weights().getOrDefault(v, 0.0) / total;
              cb.call(share, p.name(), v);
            }
          }
        }).register(registry);
    GaugeWithCallback.builder().name("fer_variant_shadow")
        .help("1 for the generator variant that runs on mirrored frames of a pipeline").labelNames("pipeline", "variant")
        .callback(cb -> {
          for (Pipeline p : catalog.all()) {
            if (!p.variants().split().shadow().isEmpty()) {
              cb.call(1, p.name(), p.variants().split().shadow());
            }
          }
        }).register(registry);
  }

  @Override
  public void onFrame(FrameTask task, FrameResult result) {
    record(task, result, SERVED);
    double total = 0;
    for (Map.Entry<String, Double> t : result.timingsMillis().entrySet()) {
      total += t.getValue();
    }
    stageLatency.labelValues(result.pipeline(), result.variant(), "total").observe(total / 1000);
  }

  @Override
  public void onShadowFrame(FrameTask task, FrameResult primary, FrameResult shadow) {
    record(task, shadow, SHADOW);
    int n = Math.min(primary.faces().size(), shadow.faces().size());
    long agree = 0;
    for (int i = 0; i < n; i++) {
      if (primary.faces().get(i).label().equals(shadow.faces().get(i).label())) {
        agree++;
      }
    }
    if (agree > 0) {
      shadowFaces.labelValues(primary.pipeline(), primary.variant(), shadow.variant(), "true").inc(agree);
    }
    if (n - agree > 0) {
      shadowFaces.labelValues(primary.pipeline(), primary.variant(), shadow.variant(), "false").inc(n - agree);
    }
  }

  private void record(FrameTask task, FrameResult result, String role) {
    String p = result.pipeline();
    String v = result.variant();
    frames.labelValues(p, v, role).inc();
    for (Map.Entry<String, Double> t : result.timingsMillis().entrySet()) {
      stageLatency.labelValues(p, v, t.getKey()).observe(t.getValue() / 1000);
    }
    for (FrameResult.Face f : result.faces()) {
      faces.labelValues(p, v, f.label()).inc();
      confidence.labelValues(p, v).observe(f.confidence());
    }
    if (!task.groundTruth().isEmpty() && !result.faces().isEmpty()) {
      boolean correct = GroundTruth.matches(task.groundTruth(), result.faces().get(0).label());
      labelled.labelValues(p, v, String.valueOf(correct)).inc();
    }
  }

  @Override
  public void onBatch(String pipeline, String variant, int faces) {
    batchFaces.labelValues(pipeline, variant).observe(faces);
  }

  @Override
  public void onFailure(FrameTask task, RecognitionException error) {
    failed.labelValues(task.pipeline().isEmpty() ? DEFAULT_PIPELINE : task.pipeline(), error.kind().name()).inc();
  }

  /** Label value for failures of frames that named no pipeline (they may fail before one is chosen). */
  public static final String DEFAULT_PIPELINE = "_default";

  /** Every variant's figures for one pipeline, read from the same instruments /metrics exports. */
  public PipelineReport report(String pipeline, boolean includeDefaultFailures) {
    Map<String, VariantReport.Builder> variants = new TreeMap<>();
    for (CounterSnapshot.CounterDataPointSnapshot d : frames.collect().getDataPoints()) {
      if (d.getLabels().get("pipeline").equals(pipeline)) {
        VariantReport.Builder b = variants.computeIfAbsent(d.getLabels().get("variant"), VariantReport.Builder::new);
        if (d.getLabels().get("role").equals(SERVED)) {
          b.framesServed += (long) d.getValue();
        } else {
          b.framesShadowed += (long) d.getValue();
        }
      }
    }
    for (CounterSnapshot.CounterDataPointSnapshot d : faces.collect().getDataPoints()) {
      if (d.getLabels().get("pipeline").equals(pipeline)) {
        VariantReport.Builder b = variants.computeIfAbsent(d.getLabels().get("variant"), VariantReport.Builder::new);
        b.labels.merge(d.getLabels().get("expression"), (long) d.getValue(), Long::sum);
        b.faces += (long) d.getValue();
      }
    }
    for (HistogramSnapshot.HistogramDataPointSnapshot d : confidence.collect().getDataPoints()) {
      if (d.getLabels().get("pipeline").equals(pipeline)) {
        VariantReport.Builder b = variants.computeIfAbsent(d.getLabels().get("variant"), VariantReport.Builder::new);
        b.meanConfidence = d.getCount() == 0 ? 0 : d.getSum() / d.getCount();
      }
    }
    for (CounterSnapshot.CounterDataPointSnapshot d : labelled.collect().getDataPoints()) {
      if (d.getLabels().get("pipeline").equals(pipeline)) {
        VariantReport.Builder b = variants.computeIfAbsent(d.getLabels().get("variant"), VariantReport.Builder::new);
        b.labelledFrames += (long) d.getValue();
        if (d.getLabels().get("correct").equals("true")) {
          b.correctFrames += (long) d.getValue();
        }
      }
    }
    for (HistogramSnapshot.HistogramDataPointSnapshot d : stageLatency.collect().getDataPoints()) {
      Labels l = d.getLabels();
      if (l.get("pipeline").equals(pipeline)) {
        variants.computeIfAbsent(l.get("variant"), VariantReport.Builder::new)
            .latency.put(l.get("stage"), StageLatencyReport.of(l.get("stage"), d));
      }
    }
    Map<List<String>, long[]> pairs = new TreeMap<>(java.util.Comparator.comparing(Object::toString));
    for (CounterSnapshot.CounterDataPointSnapshot d : shadowFaces.collect().getDataPoints()) {
      Labels l = d.getLabels();
      if (l.get("pipeline").equals(pipeline)) {
        long[] counts = pairs.computeIfAbsent(List.of(l.get("primary"), l.get("shadow")), k -> new long[2]);
        counts[0] += (long) d.getValue();
        if (l.get("agree").equals("true")) {
          counts[1] += (long) d.getValue();
        }
      }
    }
    Map<String, Long> failures = new TreeMap<>();
    for (CounterSnapshot.CounterDataPointSnapshot d : failed.collect().getDataPoints()) {
      String p = d.getLabels().get("pipeline");
      if (p.equals(pipeline) || (includeDefaultFailures && p.equals(DEFAULT_PIPELINE))) {
        failures.merge(d.getLabels().get("code"), (long) d.getValue(), Long::sum);
      }
    }
    return new PipelineReport(pipeline,
        variants.values().stream().map(VariantReport.Builder::build).toList(),
        pairs.entrySet().stream().map(e -> new ShadowAgreementReport(e.getKey().get(0), e.getKey().get(1),
            e.getValue()[0], e.getValue()[1])).toList(),
        failures);
  }

  /** Ground-truth labels may use FER2013's folder names; results use canonical names. */
  static final class GroundTruth {
    private static final Map<String, String> ALIASES = Map.of("angry", "anger", "happy", "happiness",
        "sad", "sadness", "surprised", "surprise", "disgusted", "disgust", "fearful", "fear");

    private GroundTruth() {}

    static boolean matches(String groundTruth, String label) {
      String g = groundTruth.trim().toLowerCase(Locale.ROOT);
      return ALIASES.getOrDefault(g, g).equals(label.toLowerCase(Locale.ROOT));
    }
  }
}
