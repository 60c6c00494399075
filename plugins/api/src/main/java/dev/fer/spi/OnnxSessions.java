package dev.fer.spi;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.providers.OrtTensorRTProviderOptions;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens ONNX Runtime sessions with the configured execution provider. A GPU provider that cannot
 * load falls back to CPU with one warning per process, unless the config says it is required.
 */
@Singleton
public final class OnnxSessions {
  private static final Logger log = LoggerFactory.getLogger(OnnxSessions.class);

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final ExecutionConfig config;
  private final AtomicBoolean fallbackWarned = new AtomicBoolean();
  private volatile String activeProvider;

  @Inject
  public OnnxSessions(ExecutionConfig config) {
    this.config = config;
    this.activeProvider = config.provider();
  }

  public OrtEnvironment env() {
    return env;
  }

  /** The provider sessions actually run on: the configured one, or cpu after a fallback. */
  public String activeProvider() {
    return activeProvider;
  }

  public OrtSession open(Path modelFile) throws ModelLoadException {
    if (!Files.isRegularFile(modelFile)) {
      throw new ModelLoadException("model file " + modelFile + " does not exist");
    }
    try {
      return env.createSession(modelFile.toString(), options(true));
    } catch (OrtException e) {
      if (config.provider().equals("cpu")) {
        throw new ModelLoadException("ONNX Runtime cannot load " + modelFile + ": " + e.getMessage(), e);
      }
      if (config.providerRequired()) {
        throw new ModelLoadException("execution provider '" + config.provider()
            + "' is required by the config but cannot run " + modelFile + ": " + e.getMessage(), e);
      }
      if (fallbackWarned.compareAndSet(false, true)) {
        log.warn("execution provider '{}' is not available ({}); running on CPU instead",
            config.provider(), firstLine(e.getMessage()));
      }
      activeProvider = "cpu";
      try {
        return env.createSession(modelFile.toString(), options(false));
      } catch (OrtException cpu) {
        throw new ModelLoadException("ONNX Runtime cannot load " + modelFile + ": " + cpu.getMessage(), cpu);
      }
    }
  }

  private SessionOptions options(boolean withGpu) throws OrtException {
    SessionOptions options = new SessionOptions();
    options.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
    options.setExecutionMode(SessionOptions.ExecutionMode.SEQUENTIAL);
    if (config.intraOpThreads() > 0) {
      options.setIntraOpNumThreads(config.intraOpThreads());
    }
    if (config.interOpThreads() > 0) {
      options.setInterOpNumThreads(config.interOpThreads());
    }
    // Spinning threads burn the few cores a small machine has and slow batched runs down.
    options.addConfigEntry("session.intra_op.allow_spinning", config.allowSpinning() ? "1" : "0");
    options.addConfigEntry("session.inter_op.allow_spinning", config.allowSpinning() ? "1" : "0");
    if (withGpu && config.provider().equals("tensorrt")) {
      OrtTensorRTProviderOptions trt = new OrtTensorRTProviderOptions(config.deviceId());
      trt.add("trt_fp16_enable", config.tensorrtFp16() ? "1" : "0");
      if (config.tensorrtEngineCache() != null) {
        trt.add("trt_engine_cache_enable", "1");
        trt.add("trt_engine_cache_path", config.tensorrtEngineCache().toString());
      }
      options.addTensorrt(trt);
      options.addCUDA(config.deviceId());
    } else if (withGpu && config.provider().equals("cuda")) {
      options.addCUDA(config.deviceId());
    }
    return options;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "no message";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
