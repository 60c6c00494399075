package dev.fer.plugins.encoder;

import com.google.inject.Module;
import dev.fer.spi.StageBindings;
import dev.fer.spi.StagePlugin;

/** Serves encoder cards whose runtime is "onnx" (the default). */
public final class EncoderPlugin implements StagePlugin {
  @Override
  public String name() {
    return "onnx-encoder";
  }

  @Override
  public Module module() {
    return binder -> StageBindings.encoders(binder).addBinding("onnx").to(OnnxEncoderFactory.class);
  }
}
