package dev.fer.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Accumulates (true label, predicted label, latency) and prints accuracy, macro-F1, per-class
 * recall, the confusion matrix and latency percentiles as one JSON line. A frame with no face
 * found is predicted as "none" and so counts as wrong.
 */
public final class EvalReport {
  public static final String NO_FACE = "none";

  private final List<String> truths = new ArrayList<>();
  private final List<String> predictions = new ArrayList<>();
  private final List<Double> latenciesMs = new ArrayList<>();
  private int facesFound;
  private int errors;

  public synchronized void add(String truth, String predicted, double latencyMs, boolean faceFound) {
    truths.add(truth);
    predictions.add(predicted);
    latenciesMs.add(latencyMs);
    if (faceFound) {
      facesFound++;
    }
  }

  /** A frame the server refused: counted as wrong, with its latency. */
  public synchronized void addError(String truth, double latencyMs) {
    errors++;
    add(truth, "error", latencyMs, false);
  }

  public synchronized int size() {
    return truths.size();
  }

  public synchronized double accuracy() {
    int correct = 0;
    for (int i = 0; i < truths.size(); i++) {
      if (truths.get(i).equals(predictions.get(i))) {
        correct++;
      }
    }
    return truths.isEmpty() ? 0 : (double) correct / truths.size();
  }

  public synchronized Map<String, Double> recallPerClass() {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String c : new TreeSet<>(truths)) {
      int tp = 0;
      int n = 0;
      for (int i = 0; i < truths.size(); i++) {
        if (truths.get(i).equals(c)) {
          n++;
          if (predictions.get(i).equals(c)) {
            tp++;
          }
        }
      }
      out.put(c, n == 0 ? 0 : (double) tp / n);
    }
    return out;
  }

  /** Mean F1 over the classes that occur as truth. */
  public synchronized double macroF1() {
    TreeSet<String> classes = new TreeSet<>(truths);
    double sum = 0;
    for (String c : classes) {
      int tp = 0;
      int fp = 0;
      int fn = 0;
      for (int i = 0; i < truths.size(); i++) {
        boolean t = truths.get(i).equals(c);
        boolean p = predictions.get(i).equals(c);
        if (t && p) {
          tp++;
        } else if (p) {
          fp++;
        } else if (t) {
          fn++;
        }
      }
      sum += tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
    }
    return classes.isEmpty() ? 0 : sum / classes.size();
  }

  public synchronized double latencyPercentile(double p) {
    if (latenciesMs.isEmpty()) {
      return 0;
    }
    double[] sorted = latenciesMs.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
  }

  public synchronized String toJson(Map<String, String> extra) {
    StringBuilder b = new StringBuilder("{");
    for (Map.Entry<String, String> e : extra.entrySet()) {
      b.append(quote(e.getKey())).append(':').append(quote(e.getValue())).append(',');
    }
    b.append("\"images\":").append(truths.size())
        .append(",\"faces_found\":").append(facesFound)
        .append(",\"errors\":").append(errors)
        .append(",\"accuracy\":").append(num(accuracy()))
        .append(",\"macro_f1\":").append(num(macroF1()))
        .append(",\"per_class_recall\":{");
    boolean first = true;
    for (Map.Entry<String, Double> e : recallPerClass().entrySet()) {
      b.append(first ? "" : ",").append(quote(e.getKey())).append(':').append(num(e.getValue()));
      first = false;
    }
    TreeSet<String> labels = new TreeSet<>(truths);
    labels.addAll(predictions);
    List<String> order = new ArrayList<>(labels);
    b.append("},\"confusion\":{\"labels\":[");
    for (int i = 0; i < order.size(); i++) {
      b.append(i == 0 ? "" : ",").append(quote(order.get(i)));
    }
    b.append("],\"rows_true_cols_predicted\":[");
    for (int r = 0; r < order.size(); r++) {
      int[] row = new int[order.size()];
      for (int i = 0; i < truths.size(); i++) {
        if (truths.get(i).equals(order.get(r))) {
          row[order.indexOf(predictions.get(i))]++;
        }
      }
      b.append(r == 0 ? "" : ",").append(Arrays.toString(row).replace(" ", ""));
    }
    b.append("]},\"latency_ms\":{\"p50\":").append(num(latencyPercentile(50)))
        .append(",\"p99\":").append(num(latencyPercentile(99))).append("}}");
    return b.toString();
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
