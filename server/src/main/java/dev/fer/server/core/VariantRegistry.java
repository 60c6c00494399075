package dev.fer.server.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The generator variants of one pipeline that may take traffic, and the split between them.
 * A variant is put here only after it loaded and warmed; routing changes are one atomic swap.
 */
public final class VariantRegistry {
  private final Map<String, GeneratorVariant> ready = new ConcurrentHashMap<>();
  private volatile TrafficSplit split;

  public VariantRegistry(String defaultVariant) {
    this.split = TrafficSplit.single(defaultVariant);
  }

  public TrafficSplit split() {
    return split;
  }

  public synchronized void setSplit(TrafficSplit newSplit) throws RecognitionException {
    requireReady(newSplit.active());
    for (String v : newSplit.weights().keySet()) {
      requireReady(v);
    }
    if (!newSplit.shadow().isEmpty()) {
      requireReady(newSplit.shadow());
    }
    split = newSplit;
  }

  private void requireReady(String variant) throws RecognitionException {
    if (!ready.containsKey(variant)) {
      throw new RecognitionException(RecognitionException.Kind.NOT_FOUND,
          "generator variant '" + variant + "' is not ready; ready variants: " + names()
              + ". Use one of those, or load it first (fer admin load PATH)");
    }
  }

  /** Makes a warmed variant eligible; returns the one it replaces, if any (to be drained). */
  public synchronized GeneratorVariant publish(GeneratorVariant variant) {
    GeneratorVariant old = ready.put(variant.name(), variant);
    if (split.active() == null || !ready.containsKey(split.active())) {
      split = split.withActive(variant.name());
    }
    return old;
  }

  /** Takes a variant out of routing; the caller drains it. Refuses to remove the last route. */
  public synchronized GeneratorVariant withdraw(String name) throws RecognitionException {
    requireReady(name);
    TrafficSplit s = split;
    if (s.active().equals(name) || s.weights().containsKey(name)) {
      throw new RecognitionException(RecognitionException.Kind.FAILED_PRECONDITION,
          "generator variant '" + name + "' still takes traffic (active: '" + s.active() + "', split: "
              + s.weights() + "); set another active variant or a split without it first, then unload it");
    }
    if (s.shadow().equals(name)) {
      split = s.withShadow("");
    }
    return ready.remove(name);
  }

  public GeneratorVariant get(String name) {
    return ready.get(name);
  }

  public List<String> names() {
    List<String> names = new ArrayList<>(ready.keySet());
    names.sort(null);
    return names;
  }

  public List<GeneratorVariant> all() {
    return List.copyOf(ready.values());
  }

  /**
   * Leases the variant a frame should use. Retries when a variant starts draining between the
   * pick and the lease, since routing has already moved on by then.
   */
  public GeneratorVariant acquire(String requested, String key) throws RecognitionException {
    boolean routed = requested == null || requested.isEmpty();
    for (int attempt = 0; attempt < 64; attempt++) {
      String name = routed ? split.pick(key) : requested;
      GeneratorVariant v = ready.get(name);
      if (v == null) {
        // A routed pick can race an unload: the split read here may be one swap old. Read again.
        if (routed && attempt < 63) {
          Thread.onSpinWait();
          continue;
        }
        throw new RecognitionException(RecognitionException.Kind.NOT_FOUND,
            "generator variant '" + name + "' is not ready; ready variants: " + names()
                + (routed ? "" : ". Ask for one of those, or leave the variant empty to use the pipeline's routing"));
      }
      if (v.tryAcquire()) {
        return v;
      }
    }
    throw new RecognitionException(RecognitionException.Kind.UNAVAILABLE,
        "generator variants are being swapped; retry");
  }

  /** The shadow variant, leased, or null when none is set or it is unavailable. */
  public GeneratorVariant acquireShadow() {
    String name = split.shadow();
    if (name.isEmpty()) {
      return null;
    }
    GeneratorVariant v = ready.get(name);
    return v != null && v.tryAcquire() ? v : null;
  }
}
