package dev.fer.plugins.generator;

import dev.fer.spi.Generator;
import dev.fer.spi.GeneratorFactory;
import dev.fer.spi.ModelLoadException;
import dev.fer.spi.ModelVersion;
import dev.fer.spi.OnnxSessions;
import jakarta.inject.Inject;

final class OnnxGeneratorFactory implements GeneratorFactory {
  private final OnnxSessions sessions;

  @Inject
  OnnxGeneratorFactory(OnnxSessions sessions) {
    this.sessions = sessions;
  }

  @Override
  public Generator load(ModelVersion model) throws ModelLoadException {
    if (!"generator".equals(model.card().stage())) {
      throw new ModelLoadException(model + ": card says stage '" + model.card().stage() + "', expected 'generator'");
    }
    return new OnnxGenerator(model, sessions);
  }
}
