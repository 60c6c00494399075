package dev.fer.server.core;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import dev.fer.spi.OnnxSessions;
import jakarta.inject.Inject;
import java.nio.FloatBuffer;

/**
 * Runs one stage model on its own (generator, encoder or classifier), for clients that address
 * the stages as separate models. Shapes are checked by the caller against the model's card;
 * here the arrays only go in and out of ONNX Runtime.
 */
public final class StageRunner {
  private final OrtEnvironment env;

  /** A stage's output: flat values and the shape ONNX Runtime reported. */
  public record Tensor(float[] values, long[] shape) {}

  @Inject
  public StageRunner(OnnxSessions sessions) {
    this.env = sessions.env();
  }

  public Tensor generate(GeneratorVariant variant, float[] faces, long[] shape) throws OrtException {
    try (OnnxTensor in = tensor(faces, shape); OnnxTensor out = variant.generator().generate(in)) {
      return copy(out);
    }
  }

  public Tensor encode(Pipeline pipeline, float[] faces, float[] references, long[] shape) throws OrtException {
    try (OnnxTensor f = tensor(faces, shape); OnnxTensor r = tensor(references, shape);
        OnnxTensor out = pipeline.encoder().encode(f, r)) {
      return copy(out);
    }
  }

  public Tensor classify(Pipeline pipeline, float[] embeddings, long[] shape) throws OrtException {
    try (OnnxTensor in = tensor(embeddings, shape); OnnxTensor out = pipeline.classifier().classify(in)) {
      return copy(out);
    }
  }

  private OnnxTensor tensor(float[] values, long[] shape) throws OrtException {
    return OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shape);
  }

  private static Tensor copy(OnnxTensor t) {
    FloatBuffer b = t.getFloatBuffer();
    float[] values = new float[b.remaining()];
    b.get(values);
    return new Tensor(values, ((TensorInfo) t.getInfo()).getShape());
  }
}
