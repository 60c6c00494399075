package dev.fer.spi;

/** Loads a classifier from one model version folder (model file + card.json). */
public interface ClassifierFactory {
  /** @throws ModelLoadException with a message a person can act on */
  Classifier load(ModelVersion model) throws ModelLoadException;
}
