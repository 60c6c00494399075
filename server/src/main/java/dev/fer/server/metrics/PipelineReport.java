package dev.fer.server.metrics;

import java.util.List;
import java.util.Map;

/** Every variant's figures for one pipeline, its shadow pairs and its failed frames by code. */
public record PipelineReport(String pipeline, List<VariantReport> variants, List<ShadowAgreementReport> shadows,
    Map<String, Long> failedFrames) {

  public VariantReport variant(String name) {
    return variants.stream().filter(v -> v.variant().equals(name)).findFirst().orElse(null);
  }
}
