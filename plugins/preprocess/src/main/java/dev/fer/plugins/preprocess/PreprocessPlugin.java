package dev.fer.plugins.preprocess;

import com.google.inject.Module;
import dev.fer.spi.StagePlugin;

/** Listed in META-INF/services/dev.fer.spi.StagePlugin. */
public final class PreprocessPlugin implements StagePlugin {
  @Override
  public String name() {
    return "preprocess";
  }

  @Override
  public Module module() {
    return new PreprocessModule();
  }
}
