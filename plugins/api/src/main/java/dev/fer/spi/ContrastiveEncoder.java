package dev.fer.spi;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;

/** (face, reference) -> contrastive embedding, from the difference of their features. */
public interface ContrastiveEncoder extends AutoCloseable {
  ModelCard card();

  /** @return embeddings [N,D]; the caller closes it */
  OnnxTensor encode(OnnxTensor faces, OnnxTensor references) throws OrtException;

  @Override
  void close();
}
