package dev.fer.plugins.classifier;

import com.google.inject.Module;
import dev.fer.spi.StageBindings;
import dev.fer.spi.StagePlugin;

/** Serves classifier cards whose runtime is "onnx" (the default). */
public final class ClassifierPlugin implements StagePlugin {
  @Override
  public String name() {
    return "onnx-classifier";
  }

  @Override
  public Module module() {
    return binder -> StageBindings.classifiers(binder).addBinding("onnx").to(OnnxClassifierFactory.class);
  }
}
