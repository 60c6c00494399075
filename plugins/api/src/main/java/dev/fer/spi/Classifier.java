package dev.fer.spi;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;

/** Embedding -> logits over the card's classes. */
public interface Classifier extends AutoCloseable {
  ModelCard card();

  /** @return logits [N,C] in the order of {@code card().classes()}; the caller closes it */
  OnnxTensor classify(OnnxTensor embeddings) throws OrtException;

  @Override
  void close();
}
