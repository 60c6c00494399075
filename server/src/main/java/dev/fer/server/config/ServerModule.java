package dev.fer.server.config;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.fer.server.core.ChainRunner;
import dev.fer.spi.ExecutionConfig;
import dev.fer.spi.OnnxSessions;
import dev.fer.spi.PreprocessConfig;
import dev.fer.spi.StageBindings;
import dev.fer.spi.StagePlugin;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the configuration and installs every {@link StagePlugin} found on the class path. This is
 * the only place that knows plugins exist; everything else gets what it needs injected.
 */
public final class ServerModule extends AbstractModule {
  private static final Logger log = LoggerFactory.getLogger(ServerModule.class);

  private final ServerConfig config;

  public ServerModule(ServerConfig config) {
    this.config = config;
  }

  @Override
  protected void configure() {
    bind(ServerConfig.class).toInstance(config);
    // Declare the map bindings even if no plugin fills one, so the error names the missing stage.
    StageBindings.generators(binder());
    StageBindings.encoders(binder());
    StageBindings.classifiers(binder());
    var listeners = com.google.inject.multibindings.Multibinder.newSetBinder(binder(), dev.fer.server.core.FrameListener.class);
    // Per-variant statistics and Prometheus metrics see every frame.
    listeners.addBinding().to(dev.fer.server.metrics.VariantMetrics.class);
    for (StagePlugin plugin : ServiceLoader.load(StagePlugin.class)) {
      log.debug("installing plugin {}", plugin.name());
      install(plugin.module());
    }
  }

  @Provides
  @Singleton
  ExecutionConfig executionConfig() {
    String cache = config.string("tensorrt-engine-cache");
    return new ExecutionConfig(config.string("provider"), config.flag("provider-required"),
        config.integer("device-id"), config.integer("intra-op-threads"), 1, false,
        config.flag("tensorrt-fp16"), cache.isEmpty() ? null : Path.of(cache));
  }

  @Provides
  @Singleton
  PreprocessConfig preprocessConfig() {
    return new PreprocessConfig(config.detectorDir(), config.decimal("crop-margin"),
        config.decimal("min-face-score"), config.longValue("max-image-pixels"), config.integer("max-faces"));
  }

  @Provides
  @Singleton
  ChainRunner chainRunner(OnnxSessions sessions) {
    return new ChainRunner(sessions.env());
  }
}
