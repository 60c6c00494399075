package dev.fer.plugins.classifier;

import dev.fer.spi.Classifier;
import dev.fer.spi.ClassifierFactory;
import dev.fer.spi.ModelLoadException;
import dev.fer.spi.ModelVersion;
import dev.fer.spi.OnnxSessions;
import jakarta.inject.Inject;

final class OnnxClassifierFactory implements ClassifierFactory {
  private final OnnxSessions sessions;

  @Inject
  OnnxClassifierFactory(OnnxSessions sessions) {
    this.sessions = sessions;
  }

  @Override
  public Classifier load(ModelVersion model) throws ModelLoadException {
    if (!"classifier".equals(model.card().stage())) {
      throw new ModelLoadException(model + ": card says stage '" + model.card().stage() + "', expected 'classifier'");
    }
    return new OnnxClassifier(model, sessions);
  }
}
