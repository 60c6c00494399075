package dev.fer.plugins.encoder;

import dev.fer.spi.ContrastiveEncoder;
import dev.fer.spi.EncoderFactory;
import dev.fer.spi.ModelLoadException;
import dev.fer.spi.ModelVersion;
import dev.fer.spi.OnnxSessions;
import jakarta.inject.Inject;

final class OnnxEncoderFactory implements EncoderFactory {
  private final OnnxSessions sessions;

  @Inject
  OnnxEncoderFactory(OnnxSessions sessions) {
    this.sessions = sessions;
  }

  @Override
  public ContrastiveEncoder load(ModelVersion model) throws ModelLoadException {
    if (!"encoder".equals(model.card().stage())) {
      throw new ModelLoadException(model + ": card says stage '" + model.card().stage() + "', expected 'encoder'");
    }
    return new OnnxContrastiveEncoder(model, sessions);
  }
}
