package dev.fer.spi;

/** Loads a generator from one model version folder (model file + card.json). */
public interface GeneratorFactory {
  /** @throws ModelLoadException with a message a person can act on */
  Generator load(ModelVersion model) throws ModelLoadException;
}
