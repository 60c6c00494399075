package dev.fer.server.core;

/**
 * Where one generator variant version stands: what an operator sees in {@code fer admin list}.
 *
 * @param reason why it failed (FAILED only), said so that the operator knows what to fix
 * @param inFlight frames running on it right now
 */
public record VariantStatus(String pipeline, String variant, String version, String path, VariantState state,
    String reason, int inFlight) {

  public VariantStatus {
    variant = variant == null ? "" : variant;
    version = version == null ? "" : version;
    reason = reason == null ? "" : reason;
  }

  static VariantStatus of(String pipeline, GeneratorVariant v) {
    return new VariantStatus(pipeline, v.name(), v.model().version(), v.model().directory().toString(), v.state(),
        "", v.inFlight());
  }

  VariantStatus with(VariantState newState, String newReason) {
    return new VariantStatus(pipeline, variant, version, path, newState, newReason, inFlight);
  }
}
