package dev.fer.server.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a pipeline's frames are spread over generator variants: one active variant, or weights.
 * Immutable; a change is a new instance swapped in atomically.
 */
public record TrafficSplit(String active, Map<String, Double> weights, String shadow) {
  public TrafficSplit {
    weights = weights == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    shadow = shadow == null ? "" : shadow;
  }

  public static TrafficSplit single(String active) {
    return new TrafficSplit(active, Map.of(), "");
  }

  public TrafficSplit withActive(String variant) {
    return new TrafficSplit(variant, Map.of(), shadow);
  }

  public TrafficSplit withWeights(Map<String, Double> newWeights) {
    return new TrafficSplit(active, newWeights, shadow);
  }

  public TrafficSplit withShadow(String variant) {
    return new TrafficSplit(active, weights, variant);
  }

  /**
   * The variant for a frame. With a key (a stream id or a client's routing key) the choice is a
   * pure function of the key, so one camera keeps its variant while the split stays the same.
   */
  public String pick(String key) {
    if (weights.isEmpty()) {
      return active;
    }
    double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
    double u = key == null || key.isEmpty()
        ? ThreadLocalRandom.current().nextDouble()
        : unitHash(key);
    double point = u * total;
    String last = active;
    for (Map.Entry<String, Double> e : weights.entrySet()) {
      last = e.getKey();
      point -= e.getValue();
      if (point < 0) {
        return e.getKey();
      }
    }
    return last;
  }

  /** A well-mixed hash of the key mapped to [0, 1). */
  static double unitHash(String key) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < key.length(); i++) {
      h ^= key.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return (h >>> 11) * 0x1.0p-53;
  }
}
