package dev.fer.spi;

/** Loads a encoder from one model version folder (model file + card.json). */
public interface EncoderFactory {
  /** @throws ModelLoadException with a message a person can act on */
  ContrastiveEncoder load(ModelVersion model) throws ModelLoadException;
}
