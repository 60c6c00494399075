package dev.fer.plugins.encoder;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import dev.fer.spi.ContrastiveEncoder;
import dev.fer.spi.ModelLoadException;
import dev.fer.spi.ModelVersion;
import dev.fer.spi.OnnxSessions;
import dev.fer.spi.OnnxStageModel;
import java.util.List;

/** Shared-weight encoder of (face, reference) whose output is built from their difference. */
final class OnnxContrastiveEncoder extends OnnxStageModel implements ContrastiveEncoder {
  OnnxContrastiveEncoder(ModelVersion model, OnnxSessions sessions) throws ModelLoadException {
    super(model, sessions, List.of(face(model), face(model)), embedding(model), "face", "reference");
  }

  private static long[] face(ModelVersion model) {
    return new long[] {-1, 1, model.card().inputHeight(), model.card().inputWidth()};
  }

  private static long[] embedding(ModelVersion model) {
    Integer dim = model.card().embeddingDim();
    return new long[] {-1, dim == null ? -1 : dim};
  }

  @Override
  public OnnxTensor encode(OnnxTensor faces, OnnxTensor references) throws OrtException {
    return run(faces, references);
  }
}
