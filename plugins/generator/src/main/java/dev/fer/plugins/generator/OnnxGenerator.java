package dev.fer.plugins.generator;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import dev.fer.spi.Generator;
import dev.fer.spi.ModelLoadException;
import dev.fer.spi.ModelVersion;
import dev.fer.spi.OnnxSessions;
import dev.fer.spi.OnnxStageModel;
import java.util.List;

/** A generator variant (autoencoder, VAE, GAN, identity, ...) exported to ONNX. */
final class OnnxGenerator extends OnnxStageModel implements Generator {
  OnnxGenerator(ModelVersion model, OnnxSessions sessions) throws ModelLoadException {
    super(model, sessions, List.of(faceShape(model)), faceShape(model), "face");
  }

  private static long[] faceShape(ModelVersion model) {
    return new long[] {-1, 1, model.card().inputHeight(), model.card().inputWidth()};
  }

  @Override
  public OnnxTensor generate(OnnxTensor faces) throws OrtException {
    return run(faces);
  }
}
