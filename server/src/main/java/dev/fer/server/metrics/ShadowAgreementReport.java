package dev.fer.server.metrics;

/** How often a shadow variant picked the primary's top-1 label on the same faces. */
public record ShadowAgreementReport(String primary, String shadow, long comparedFaces, long agreeingFaces) {
  public double agreementRate() {
    return comparedFaces == 0 ? 0 : (double) agreeingFaces / comparedFaces;
  }
}
