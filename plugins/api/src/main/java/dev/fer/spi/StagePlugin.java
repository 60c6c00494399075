package dev.fer.spi;

import com.google.inject.Module;

/**
 * The edge of the plugin system: each plugin jar lists one implementation in
 * {@code META-INF/services/dev.fer.spi.StagePlugin}. The server finds them with
 * {@link java.util.ServiceLoader} and installs their Guice modules; inside a plugin everything is
 * constructor injection.
 */
public interface StagePlugin {
  /** A short name for logs, e.g. "onnx-generator". */
  String name();

  /** Binds this plugin's factories (usually into the map binders of {@link StageBindings}). */
  Module module();
}
