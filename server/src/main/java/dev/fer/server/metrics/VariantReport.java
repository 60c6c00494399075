package dev.fer.server.metrics;

import java.util.Map;
import java.util.TreeMap;

/**
 * One generator variant's figures: frames it answered and mirrored, its label distribution, mean
 * top-1 confidence, accuracy on frames that carried a ground truth, and latency per stage.
 */
public record VariantReport(String variant, long framesServed, long framesShadowed, long faces,
    Map<String, Long> labelCounts, double meanConfidence, long labelledFrames, long correctFrames,
    Map<String, StageLatencyReport> latency) {

  public double accuracy() {
    return labelledFrames == 0 ? 0 : (double) correctFrames / labelledFrames;
  }

  /** Filled from the metric snapshots, one instrument at a time. */
  static final class Builder {
    final String variant;
    long framesServed;
    long framesShadowed;
    long faces;
    final Map<String, Long> labels = new TreeMap<>();
    double meanConfidence;
    long labelledFrames;
    long correctFrames;
    final Map<String, StageLatencyReport> latency = new TreeMap<>();

    Builder(String variant) {
      this.variant = variant;
    }

    VariantReport build() {
      return new VariantReport(variant, framesServed, framesShadowed, faces, Map.copyOf(labels), meanConfidence,
          labelledFrames, correctFrames, java.util.Collections.unmodifiableMap(new TreeMap<>(latency)));
    }
  }
}
