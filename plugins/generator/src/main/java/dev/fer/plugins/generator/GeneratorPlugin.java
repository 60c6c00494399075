package dev.fer.plugins.generator;

import com.google.inject.Module;
import dev.fer.spi.StageBindings;
import dev.fer.spi.StagePlugin;

/** Serves generator cards whose runtime is "onnx" (the default). */
public final class GeneratorPlugin implements StagePlugin {
  @Override
  public String name() {
    return "onnx-generator";
  }

  @Override
  public Module module() {
    return binder -> StageBindings.generators(binder).addBinding("onnx").to(OnnxGeneratorFactory.class);
  }
}
