package dev.fer.server.oip;

import com.google.protobuf.ByteString;
import dev.fer.oip.InferParameter;
import dev.fer.oip.ModelInferRequest;
import dev.fer.oip.ModelInferResponse;
import dev.fer.server.core.RecognitionException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Writes output tensors into raw_output_contents (little-endian, the form tritonclient reads),
 * only those the request asked for. An output asked for with the "classification" parameter
 * (tritonclient's class_count) comes back as the protocol's classification extension: BYTES
 * [N,k] of "score:index:label", best first.
 */
final class OutputEncoder {
  private OutputEncoder() {}

  /** An output the request wants; classCount > 0 for the classification form. */
  record Requested(TensorMeta meta, int classCount) {}

  static List<Requested> requested(OipModel model, ModelInferRequest request) throws RecognitionException {
    if (request.getOutputsCount() == 0) {
      return model.outputs().stream().map(t -> new Requested(t, 0)).toList();
    }
    List<Requested> wanted = new ArrayList<>();
    for (ModelInferRequest.InferRequestedOutputTensor out : request.getOutputsList()) {
      TensorMeta meta = model.output(out.getName());
      if (meta == null) {
        throw InputDecoder.invalid("model '" + model.name() + "' has no output '" + out.getName()
            + "'; its outputs are " + model.describeOutputs());
      }
      InferParameter classification = out.getParametersOrDefault("classification", null);
      long k = classification == null ? 0
          : classification.hasInt64Param() ? classification.getInt64Param() : classification.getUint64Param();
      if (k < 0) {
        throw InputDecoder.invalid("output '" + out.getName() + "': classification count must be positive, got " + k);
      }
      wanted.add(new Requested(meta, (int) Math.min(k, Integer.MAX_VALUE)));
    }
    return wanted;
  }

  static boolean wants(List<Requested> requested, String name) {
    return requested.stream().anyMatch(r -> r.meta().name().equals(name));
  }

  /**
   * Adds one FP32 output if it was asked for.
   *
   * @param labels class names of the last axis, for the classification form; may be empty
   */
  static void add(ModelInferResponse.Builder response, List<Requested> requested, String name, long[] shape,
      float[] values, List<String> labels) {
    for (Requested r : requested) {
      if (!r.meta().name().equals(name)) {
        continue;
      }
      if (r.classCount() > 0) {
        addClassification(response, name, shape, values, labels, r.classCount());
      } else {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        response.addOutputs(ModelInferResponse.InferOutputTensor.newBuilder()
                .setName(name).setDatatype(TensorMeta.FP32).addAllShape(boxed(shape)))
            .addRawOutputContents(ByteString.copyFrom(bytes.array()));
      }
    }
  }

  private static void addClassification(ModelInferResponse.Builder response, String name, long[] shape,
      float[] values, List<String> labels, int classCount) {
    int rows = (int) shape[0];
    int classes = rows == 0 ? 0 : values.length / rows;
    int k = Math.min(classCount, classes);
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    for (int row = 0; row < rows; row++) {
      int base = row * classes;
      int[] best = IntStream.range(0, classes).boxed()
          .sorted(Comparator.comparingDouble((Integer c) -> values[base + c]).reversed())
          .limit(k).mapToInt(Integer::intValue).toArray();
      for (int c : best) {
        String entry = String.format(Locale.ROOT, "%f:%d", values[base + c], c)
            + (c < labels.size() ? ":" + labels.get(c) : "");
        byte[] utf8 = entry.getBytes(StandardCharsets.UTF_8);
        raw.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).array());
        raw.writeBytes(utf8);
      }
    }
    response.addOutputs(ModelInferResponse.InferOutputTensor.newBuilder()
            .setName(name).setDatatype(TensorMeta.BYTES).addShape(rows).addShape(k))
        .addRawOutputContents(ByteString.copyFrom(raw.toByteArray()));
  }

  private static List<Long> boxed(long[] shape) {
    return Arrays.stream(shape).boxed().toList();
  }
}
