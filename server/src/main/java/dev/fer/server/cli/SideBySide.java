package dev.fer.server.cli;

import dev.fer.client.EvalReport;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** A plain-text table comparing variants evaluated on the same images. */
final class SideBySide {
  private SideBySide() {}

  static String table(Map<String, EvalReport> reports) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-16s", "metric"));
    reports.keySet().forEach(v -> b.append(String.format(Locale.ROOT, "%14s", v)));
    b.append('\n');
    row(b, "accuracy", reports, r -> r.accuracy());
    row(b, "macro_f1", reports, r -> r.macroF1());
    row(b, "p50_ms", reports, r -> r.latencyPercentile(50));
    row(b, "p99_ms", reports, r -> r.latencyPercentile(99));
    TreeSet<String> classes = new TreeSet<>();
    reports.values().forEach(r -> classes.addAll(r.recallPerClass().keySet()));
    for (String c : classes) {
      row(b, "recall " + c, reports, r -> r.recallPerClass().getOrDefault(c, 0.0));
    }
    return b.toString();
  }

  private static void row(StringBuilder b, String name, Map<String, EvalReport> reports,
      java.util.function.ToDoubleFunction<EvalReport> f) {
    b.append(String.format(Locale.ROOT, "%-16s", name));
    reports.values().forEach(r -> b.append(String.format(Locale.ROOT, "%14.4f", f.applyAsDouble(r))));
    b.append('\n');
  }
}
