package dev.fer.server.cli;

import dev.fer.v1.GetStatsResponse;
import dev.fer.v1.ListVariantsResponse;
import dev.fer.v1.Routing;
import dev.fer.v1.ShadowAgreement;
import dev.fer.v1.StageLatency;
import dev.fer.v1.VariantStats;
import dev.fer.v1.VariantStatus;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/** Plain-text answers of {@code fer admin}: variant lists, routing, side-by-side statistics. */
final class AdminTables {
  /** Stages in the order a frame goes through them. */
  static final List<String> STAGES = List.of("queue", "preprocess", "batch_wait", "generator", "encoder",
      "classifier", "total");

  private AdminTables() {}

  static String routing(Routing r) {
    StringBuilder b = new StringBuilder("pipeline " + r.getPipeline() + ": active " + r.getActive());
    if (r.getWeightsCount() > 0) {
      b.append(", split");
      new java.util.TreeMap<>(r.getWeightsMap()).forEach((v, w) -> b.append(' ').append(v).append('=').append(num(w)));
    }
    if (!r.getShadow().isEmpty()) {
      b.append(", shadow ").append(r.getShadow());
    }
    return b.toString();
  }

  static String status(VariantStatus s) {
    String state = s.getState().name().replace("VARIANT_", "").toLowerCase(Locale.ROOT);
    return s.getVariant() + " version " + s.getVersion() + ": " + state + " (" + s.getPath() + ")"
        + (s.getReason().isEmpty() ? "" : "\n  reason: " + s.getReason());
  }

  static String variants(ListVariantsResponse list) {
    StringBuilder b = new StringBuilder(routing(list.getRouting())).append('\n');
    b.append(String.format(Locale.ROOT, "%-14s %-8s %-9s %9s  %s%n", "VARIANT", "VERSION", "STATE", "IN_FLIGHT", "PATH"));
    for (VariantStatus s : list.getVariantsList()) {
      b.append(String.format(Locale.ROOT, "%-14s %-8s %-9s %9d  %s%n", s.getVariant(), s.getVersion(),
          s.getState().name().replace("VARIANT_", "").toLowerCase(Locale.ROOT), s.getInFlight(), s.getPath()));
      if (!s.getReason().isEmpty()) {
        b.append("  reason: ").append(s.getReason()).append('\n');
      }
    }
    return b.toString().stripTrailing();
  }

  /** One column per variant, so two variants on the same images read side by side. */
  static String stats(GetStatsResponse stats) {
    List<VariantStats> vs = stats.getVariantsList();
    StringBuilder b = new StringBuilder("pipeline " + stats.getPipeline() + "\n");
    if (vs.isEmpty()) {
      return b.append("no frames recorded yet").toString();
    }
    b.append(String.format(Locale.ROOT, "%-24s", "metric"));
    vs.forEach(v -> b.append(String.format(Locale.ROOT, "%14s", v.getVariant())));
    b.append('\n');
    count(b, "frames_served", vs, VariantStats::getFramesServed);
    count(b, "frames_shadowed", vs, VariantStats::getFramesShadowed);
    count(b, "faces", vs, VariantStats::getFaces);
    row(b, "mean_top1_confidence", vs, VariantStats::getMeanTop1Confidence);
    count(b, "labelled_frames", vs, VariantStats::getLabelledFrames);
    row(b, "accuracy", vs, VariantStats::getAccuracy);
    for (String stage : STAGES) {
      if (vs.stream().anyMatch(v -> latency(v, stage) != null)) {
        row(b, stage + " p50_ms", vs, v -> latency(v, stage) == null ? Double.NaN : latency(v, stage).getP50Ms());
        row(b, stage + " p99_ms", vs, v -> latency(v, stage) == null ? Double.NaN : latency(v, stage).getP99Ms());
      }
    }
    TreeSet<String> labels = new TreeSet<>();
    vs.forEach(v -> labels.addAll(v.getLabelCountsMap().keySet()));
    for (String label : labels) {
      row(b, "share " + label, vs, v -> v.getFaces() == 0 ? 0 : v.getLabelCountsOrDefault(label, 0) / (double) v.getFaces());
    }
    for (ShadowAgreement s : stats.getShadowsList()) {
      b.append(String.format(Locale.ROOT, "shadow %s vs primary %s: %.4f agreement on %d faces%n", s.getShadow(),
          s.getPrimary(), s.getAgreementRate(), s.getComparedFaces()));
    }
    for (Map.Entry<String, Long> f : new java.util.TreeMap<>(stats.getFailedFramesMap()).entrySet()) {
      b.append("failed frames ").append(f.getKey()).append(": ").append(f.getValue()).append('\n');
    }
    return b.toString().stripTrailing();
  }

  private static StageLatency latency(VariantStats v, String stage) {
    return v.getLatencyList().stream().filter(l -> l.getStage().equals(stage)).findFirst().orElse(null);
  }

  private static void row(StringBuilder b, String name, List<VariantStats> vs, Function<VariantStats, Double> f) {
    b.append(String.format(Locale.ROOT, "%-24s", name));
    for (VariantStats v : vs) {
      double x = f.apply(v);
      b.append(Double.isNaN(x) ? String.format(Locale.ROOT, "%14s", "-") : String.format(Locale.ROOT, "%14.4f", x));
    }
    b.append('\n');
  }

  private static void count(StringBuilder b, String name, List<VariantStats> vs, java.util.function.ToLongFunction<VariantStats> f) {
    b.append(String.format(Locale.ROOT, "%-24s", name));
    vs.forEach(v -> b.append(String.format(Locale.ROOT, "%14d", f.applyAsLong(v))));
    b.append('\n');
  }

  private static String num(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }
}
