package dev.fer.plugins.classifier;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import dev.fer.spi.Classifier;
import dev.fer.spi.ModelLoadException;
import dev.fer.spi.ModelVersion;
import dev.fer.spi.OnnxSessions;
import dev.fer.spi.OnnxStageModel;
import java.util.List;

/** Embedding -> logits, one per class of the card, in the card's order. */
final class OnnxClassifier extends OnnxStageModel implements Classifier {
  OnnxClassifier(ModelVersion model, OnnxSessions sessions) throws ModelLoadException {
    super(model, sessions, List.of(embedding(model)),
        new long[] {-1, model.card().classes().size()}, "embedding");
  }

  private static long[] embedding(ModelVersion model) {
    Integer dim = model.card().embeddingDim();
    return new long[] {-1, dim == null ? -1 : dim};
  }

  @Override
  public OnnxTensor classify(OnnxTensor embeddings) throws OrtException {
    return run(embeddings);
  }
}
