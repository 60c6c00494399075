package dev.fer.spi;

import java.nio.file.Path;

/**
 * How stage models run on ONNX Runtime. {@code provider} is cpu, cuda or tensorrt; when a GPU
 * provider cannot load, the model falls back to CPU with one warning unless
 * {@code providerRequired} is set, in which case loading fails.
 */
public record ExecutionConfig(
    String provider,
    boolean providerRequired,
    int deviceId,
    int intraOpThreads,
    int interOpThreads,
    boolean allowSpinning,
    boolean tensorrtFp16,
    Path tensorrtEngineCache) {

  public static ExecutionConfig cpuDefaults() {
    return new ExecutionConfig("cpu", false, 0, 0, 1, false, false, null);
  }

  public ExecutionConfig {
    provider = provider == null || provider.isBlank() ? "cpu" : provider.toLowerCase(java.util.Locale.ROOT);
    if (!provider.equals("cpu") && !provider.equals("cuda") && !provider.equals("tensorrt")) {
      throw new IllegalArgumentException(
          "unknown execution provider '" + provider + "' (expected cpu, cuda or tensorrt)");
    }
  }
}
