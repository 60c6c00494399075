package dev.fer.server.core;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.fer.spi.FaceSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Runs generator -> encoder -> classifier on a batch of prepared faces. Tensors stay in native
 * memory between stages; the input goes through a direct buffer reused per thread, so nothing
 * is copied into Java arrays until the final scores.
 */
public final class ChainRunner {
  private final OrtEnvironment env;
  private final ThreadLocal<FloatBuffer> inputBuffers = new ThreadLocal<>();

  public ChainRunner(OrtEnvironment env) {
    this.env = env;
  }

  /** What one batch produced. references is null unless asked for. */
  public record Output(float[][] probabilities, float[] references, long generatorNanos,
      long encoderNanos, long classifierNanos) {}

  public Output run(Pipeline pipeline, GeneratorVariant variant, float[] faces, int count,
      boolean keepReferences) throws OrtException {
    FaceSpec spec = pipeline.faceSpec();
    int size = count * spec.pixels();
    FloatBuffer buffer = inputBuffer(size);
    buffer.put(0, faces, 0, size);
    buffer.limit(size);
    long[] shape = {count, 1, spec.height(), spec.width()};
    try (OnnxTensor input = OnnxTensor.createTensor(env, buffer, shape)) {
      long t0 = System.nanoTime();
      try (OnnxTensor reference = variant.generator().generate(input)) {
        long t1 = System.nanoTime();
        try (OnnxTensor embedding = pipeline.encoder().encode(input, reference)) {
          long t2 = System.nanoTime();
          try (OnnxTensor logits = pipeline.classifier().classify(embedding)) {
            long t3 = System.nanoTime();
            float[][] probs = softmax(logits.getFloatBuffer(), count, pipeline.classes().size());
            float[] refs = null;
            if (keepReferences) {
              refs = new float[size];
              reference.getFloatBuffer().get(refs);
            }
            return new Output(probs, refs, t1 - t0, t2 - t1, t3 - t2);
          }
        }
      }
    }
  }

  private FloatBuffer inputBuffer(int floats) {
    FloatBuffer b = inputBuffers.get();
    if (b == null || b.capacity() < floats) {
      b = ByteBuffer.allocateDirect(Math.max(floats, 4096) * Float.BYTES)
          .order(ByteOrder.nativeOrder()).asFloatBuffer();
      inputBuffers.set(b);
    }
    b.clear();
    return b;
  }

  static float[][] softmax(FloatBuffer logits, int rows, int classes) {
    if (logits.remaining() != rows * classes) {
      throw new IllegalStateException("classifier returned " + logits.remaining()
          + " values for " + rows + " faces x " + classes + " classes");
    }
    float[][] out = new float[rows][classes];
    for (int r = 0; r < rows; r++) {
      float max = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        out[r][c] = logits.get(r * classes + c);
        max = Math.max(max, out[r][c]);
      }
      float sum = 0;
      for (int c = 0; c < classes; c++) {
        out[r][c] = (float) Math.exp(out[r][c] - max);
        sum += out[r][c];
      }
      for (int c = 0; c < classes; c++) {
        out[r][c] /= sum;
      }
    }
    return out;
  }
}
