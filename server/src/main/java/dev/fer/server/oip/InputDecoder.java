package dev.fer.server.oip;

import dev.fer.oip.InferTensorContents;
import dev.fer.oip.ModelInferRequest;
import dev.fer.server.core.RecognitionException;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a request's input tensors, from raw_input_contents or the typed contents fields, and
 * checks each against the model: name, datatype, shape and byte size. Every refusal is
 * INVALID_ARGUMENT with what was expected and what was given.
 */
final class InputDecoder {
  private InputDecoder() {}

  static Map<String, InputTensor> decode(OipModel model, ModelInferRequest request) throws RecognitionException {
    boolean raw = request.getRawInputContentsCount() > 0;
    if (raw && request.getRawInputContentsCount() != request.getInputsCount()) {
      throw invalid("raw_input_contents has " + request.getRawInputContentsCount() + " entries for "
          + request.getInputsCount() + " inputs; give one per input, in the order of inputs");
    }
    Map<String, InputTensor> inputs = new LinkedHashMap<>();
    for (int i = 0; i < request.getInputsCount(); i++) {
      ModelInferRequest.InferInputTensor in = request.getInputs(i);
      if (raw && in.hasContents()) {
        throw invalid("input '" + in.getName() + "' has contents although the request uses raw_input_contents;"
            + " use one or the other");
      }
      TensorMeta expected = checkMeta(model, in);
      if (inputs.containsKey(in.getName())) {
        throw invalid("input '" + in.getName() + "' is given twice");
      }
      long[] shape = in.getShapeList().stream().mapToLong(Long::longValue).toArray();
      int elements = elements(in.getName(), shape);
      InputTensor tensor = expected.datatype().equals(TensorMeta.FP32)
          ? new InputTensor(in.getName(), TensorMeta.FP32, shape,
              raw ? rawFloats(in.getName(), request.getRawInputContents(i), elements, shape)
                  : typedFloats(in.getName(), in.getContents(), elements), null)
          : new InputTensor(in.getName(), TensorMeta.BYTES, shape, null,
              raw ? rawBytes(in.getName(), request.getRawInputContents(i), elements)
                  : typedBytes(in.getName(), in.getContents(), elements));
      inputs.put(in.getName(), tensor);
    }
    checkPresence(model, inputs);
    return inputs;
  }

  private static TensorMeta checkMeta(OipModel model, ModelInferRequest.InferInputTensor in) throws RecognitionException {
    TensorMeta expected = model.input(in.getName());
    if (expected == null) {
      throw invalid("model '" + model.name() + "' has no input '" + in.getName() + "'; its inputs are "
          + model.describeInputs());
    }
    if (!expected.datatype().equals(in.getDatatype())) {
      throw invalid("input '" + in.getName() + "' of model '" + model.name() + "' has datatype '"
          + in.getDatatype() + "', expected " + expected.datatype());
    }
    long[] shape = in.getShapeList().stream().mapToLong(Long::longValue).toArray();
    // A BYTES image batch may also come as a plain list [N] instead of [N,1].
    boolean imageList = expected.name().equals(PipelineTensors.IMAGE) && model.kind() == OipModel.Kind.PIPELINE
        && shape.length == 1 && shape[0] > 0;
    if (!expected.accepts(shape) && !imageList) {
      throw invalid("input '" + in.getName() + "' of model '" + model.name() + "' has shape "
          + TensorMeta.shapeText(shape) + ", expected " + TensorMeta.shapeText(expected.shape()) + " (-1 = any size)");
    }
    if (shape[0] < 1 || shape[0] > InferenceService.MAX_BATCH) {
      throw invalid("input '" + in.getName() + "' has batch size " + shape[0] + "; it must be 1.."
          + InferenceService.MAX_BATCH);
    }
    return expected;
  }

  private static void checkPresence(OipModel model, Map<String, InputTensor> given) throws RecognitionException {
    if (model.optionalInputs()) {
      if (given.size() != 1) {
        throw invalid("model '" + model.name() + "' takes exactly one of the inputs " + model.describeInputs()
            + "; the request gives " + given.keySet());
      }
      return;
    }
    for (TensorMeta t : model.inputs()) {
      if (!given.containsKey(t.name())) {
        throw invalid("model '" + model.name() + "' needs input " + t.describe() + "; the request gives "
            + given.keySet());
      }
    }
    long batch = -1;
    for (InputTensor t : given.values()) {
      if (batch >= 0 && t.shape()[0] != batch) {
        throw invalid("inputs of model '" + model.name() + "' must have the same batch size; got "
            + given.values().stream().map(x -> x.name() + " " + TensorMeta.shapeText(x.shape())).toList());
      }
      batch = t.shape()[0];
    }
  }

  private static int elements(String name, long[] shape) throws RecognitionException {
    long n = 1;
    for (long d : shape) {
      n *= d;
      if (n > Integer.MAX_VALUE / Float.BYTES) {
        throw invalid("input '" + name + "' with shape " + TensorMeta.shapeText(shape) + " is too large");
      }
    }
    return (int) n;
  }

  private static float[] rawFloats(String name, ByteString raw, int elements, long[] shape) throws RecognitionException {
    if (raw.size() != elements * Float.BYTES) {
      throw invalid("input '" + name + "' FP32 " + TensorMeta.shapeText(shape) + " needs " + elements * Float.BYTES
          + " bytes of raw_input_contents, got " + raw.size());
    }
    float[] values = new float[elements];
    raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    return values;
  }

  private static float[] typedFloats(String name, InferTensorContents contents, int elements) throws RecognitionException {
    if (contents.getFp32ContentsCount() != elements) {
      throw invalid("input '" + name + "' needs " + elements + " values in contents.fp32_contents, got "
          + contents.getFp32ContentsCount());
    }
    float[] values = new float[elements];
    for (int i = 0; i < elements; i++) {
      values[i] = contents.getFp32Contents(i);
    }
    return values;
  }

  /** BYTES in raw form: each element is a 4-byte little-endian length, then that many bytes. */
  private static List<byte[]> rawBytes(String name, ByteString raw, int elements) throws RecognitionException {
    ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    List<byte[]> out = new ArrayList<>(elements);
    while (b.remaining() >= 4 && out.size() < elements) {
      int length = b.getInt();
      if (length < 0 || length > b.remaining()) {
        throw invalid("input '" + name + "': BYTES element " + out.size() + " claims " + Integer.toUnsignedString(length)
            + " bytes but only " + b.remaining() + " follow");
      }
      byte[] element = new byte[length];
      b.get(element);
      out.add(element);
    }
    if (out.size() != elements || b.hasRemaining()) {
      throw invalid("input '" + name + "' needs " + elements + " length-prefixed BYTES elements in raw_input_contents, got "
          + out.size() + (b.hasRemaining() ? " and " + b.remaining() + " stray bytes" : ""));
    }
    return out;
  }

  private static List<byte[]> typedBytes(String name, InferTensorContents contents, int elements) throws RecognitionException {
    if (contents.getBytesContentsCount() != elements) {
      throw invalid("input '" + name + "' needs " + elements + " elements in contents.bytes_contents, got "
          + contents.getBytesContentsCount());
    }
    return contents.getBytesContentsList().stream().map(ByteString::toByteArray).toList();
  }

  static RecognitionException invalid(String message) {
    return new RecognitionException(RecognitionException.Kind.INVALID_ARGUMENT, message);
  }
}
