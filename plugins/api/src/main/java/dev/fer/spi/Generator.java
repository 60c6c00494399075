package dev.fer.spi;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;

/** Face -> reference face of the same person with a neutral expression. */
public interface Generator extends AutoCloseable {
  ModelCard card();

  /** Variant name from the card: autoencoder, vae, gan, identity, ... */
  default String variant() {
    return card().variant();
  }

  /**
   * @param faces normalised faces [N,1,H,W]
   * @return references [N,1,H,W] in the same normalised space; the caller closes it
   */
  OnnxTensor generate(OnnxTensor faces) throws OrtException;

  @Override
  void close();
}
