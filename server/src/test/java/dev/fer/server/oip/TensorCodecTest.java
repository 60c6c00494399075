package dev.fer.server.oip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.fer.oip.InferParameter;
import dev.fer.oip.InferTensorContents;
import dev.fer.oip.ModelInferRequest;
import dev.fer.oip.ModelInferResponse;
import dev.fer.server.core.RecognitionException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading inputs and writing outputs in the protocol's encodings; needs no models. */
class TensorCodecTest {
  static final OipModel PIPELINE = new OipModel("fer", OipModel.Kind.PIPELINE, null, List.of("1"), "",
      List.of(TensorMeta.fp32("face", -1, 1, 4, 4), TensorMeta.bytes("image", -1, 1)),
      List.of(TensorMeta.fp32("scores", -1, 3), TensorMeta.fp32("reference", -1, 1, 4, 4)), true);
  static final OipModel ENCODER = new OipModel("p.encoder", OipModel.Kind.ENCODER, null, List.of("1"), "1",
      List.of(TensorMeta.fp32("face", -1, 1, 4, 4), TensorMeta.fp32("reference", -1, 1, 4, 4)),
      List.of(TensorMeta.fp32("embedding", -1, 8)), false);

  static ModelInferRequest.InferInputTensor.Builder input(String name, String datatype, long... shape) {
    ModelInferRequest.InferInputTensor.Builder b = ModelInferRequest.InferInputTensor.newBuilder()
        .setName(name).setDatatype(datatype);
    for (long d : shape) {
      b.addShape(d);
    }
    return b;
  }

  static ByteString floats(int n, float start) {
    ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putFloat(start + i);
    }
    return ByteString.copyFrom(b.array());
  }

  static ByteString lengthPrefixed(String... elements) {
    ByteString.Output out = ByteString.newOutput();
    for (String e : elements) {
      byte[] bytes = e.getBytes(StandardCharsets.UTF_8);
      out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length).array(), 0, 4);
      out.write(bytes, 0, bytes.length);
    }
    return out.toByteString();
  }

  static String refusal(OipModel model, ModelInferRequest.Builder request) {
    RecognitionException e = assertThrows(RecognitionException.class, () -> InputDecoder.decode(model, request.build()));
    assertEquals(RecognitionException.Kind.INVALID_ARGUMENT, e.kind());
    return e.getMessage();
  }

  @Test
  void rawFp32IsLittleEndianRowMajor() throws Exception {
    Map<String, InputTensor> in = InputDecoder.decode(PIPELINE, ModelInferRequest.newBuilder()
        .addInputs(input("face", "FP32", 2, 1, 4, 4)).addRawInputContents(floats(32, 0)).build());
    assertEquals(2, in.get("face").batch());
    assertEquals(31f, in.get("face").floats()[31]);
  }

  @Test
  void typedContentsWorkForFp32AndBytes() throws Exception {
    InferTensorContents.Builder c = InferTensorContents.newBuilder();
    for (int i = 0; i < 16; i++) {
      c.addFp32Contents(i);
    }
    assertEquals(15f, InputDecoder.decode(PIPELINE, ModelInferRequest.newBuilder()
        .addInputs(input("face", "FP32", 1, 1, 4, 4).setContents(c)).build()).get("face").floats()[15]);
    Map<String, InputTensor> in = InputDecoder.decode(PIPELINE, ModelInferRequest.newBuilder()
        .addInputs(input("image", "BYTES", 2, 1).setContents(InferTensorContents.newBuilder()
            .addBytesContents(ByteString.copyFromUtf8("a")).addBytesContents(ByteString.copyFromUtf8("bc"))))
        .build());
    assertEquals("bc", new String(in.get("image").bytes().get(1), StandardCharsets.UTF_8));
  }

  @Test
  void rawBytesAreLengthPrefixedAndAPlainListIsAccepted() throws Exception {
    Map<String, InputTensor> in = InputDecoder.decode(PIPELINE, ModelInferRequest.newBuilder()
        .addInputs(input("image", "BYTES", 3)).addRawInputContents(lengthPrefixed("x", "", "yz")).build());
    assertEquals(3, in.get("image").bytes().size());
    assertEquals("yz", new String(in.get("image").bytes().get(2), StandardCharsets.UTF_8));
    String m = refusal(PIPELINE, ModelInferRequest.newBuilder().addInputs(input("image", "BYTES", 1, 1))
        .addRawInputContents(ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff, 0, 0, 1, 2})));
    assertTrue(m.contains("claims 65535 bytes but only 2 follow"), m);
    m = refusal(PIPELINE, ModelInferRequest.newBuilder().addInputs(input("image", "BYTES", 2, 1))
        .addRawInputContents(lengthPrefixed("only one")));
    assertTrue(m.contains("needs 2") && m.contains("got 1"), m);
  }

  @Test
  void refusalsSayWhatWasExpectedAndWhatWasGiven() {
    String m = refusal(PIPELINE, ModelInferRequest.newBuilder()
        .addInputs(input("face", "FP32", 1, 1, 5, 4)).addRawInputContents(floats(20, 0)));
    assertTrue(m.contains("[1,1,5,4]") && m.contains("[-1,1,4,4]"), m);
    m = refusal(PIPELINE, ModelInferRequest.newBuilder()
        .addInputs(input("face", "INT8", 1, 1, 4, 4)).addRawInputContents(ByteString.copyFrom(new byte[16])));
    assertTrue(m.contains("INT8") && m.contains("FP32"), m);
    m = refusal(PIPELINE, ModelInferRequest.newBuilder()
        .addInputs(input("img", "BYTES", 1, 1)).addRawInputContents(lengthPrefixed("x")));
    assertTrue(m.contains("'img'") && m.contains("image BYTES [-1,1]"), m);
    m = refusal(PIPELINE, ModelInferRequest.newBuilder()
        .addInputs(input("face", "FP32", 1, 1, 4, 4)).addRawInputContents(floats(15, 0)));
    assertTrue(m.contains("needs 64 bytes") && m.contains("got 60"), m);
    m = refusal(PIPELINE, ModelInferRequest.newBuilder().addInputs(input("face", "FP32", 1, 1, 4, 4)));
    assertTrue(m.contains("fp32_contents") && m.contains("got 0"), m);
    m = refusal(PIPELINE, ModelInferRequest.newBuilder()
        .addInputs(input("face", "FP32", 65, 1, 4, 4)).addRawInputContents(floats(65 * 16, 0)));
    assertTrue(m.contains("batch size 65"), m);
  }

  @Test
  void thePipelineTakesExactlyOneInputAndStagesTakeAllOfTheirs() {
    String m = refusal(PIPELINE, ModelInferRequest.newBuilder()
        .addInputs(input("face", "FP32", 1, 1, 4, 4)).addInputs(input("image", "BYTES", 1, 1))
        .addRawInputContents(floats(16, 0)).addRawInputContents(lengthPrefixed("x")));
    assertTrue(m.contains("exactly one"), m);
    m = refusal(ENCODER, ModelInferRequest.newBuilder()
        .addInputs(input("face", "FP32", 1, 1, 4, 4)).addRawInputContents(floats(16, 0)));
    assertTrue(m.contains("needs input reference FP32 [-1,1,4,4]"), m);
    m = refusal(ENCODER, ModelInferRequest.newBuilder()
        .addInputs(input("face", "FP32", 1, 1, 4, 4)).addInputs(input("reference", "FP32", 2, 1, 4, 4))
        .addRawInputContents(floats(16, 0)).addRawInputContents(floats(32, 0)));
    assertTrue(m.contains("same batch size"), m);
    m = refusal(ENCODER, ModelInferRequest.newBuilder()
        .addInputs(input("face", "FP32", 1, 1, 4, 4)).addRawInputContents(floats(16, 0))
        .addRawInputContents(floats(16, 0)));
    assertTrue(m.contains("2 entries for 1 inputs"), m);
  }

  @Test
  void outputsAreRawLittleEndianAndOnlyThoseAskedFor() throws Exception {
    ModelInferRequest request = ModelInferRequest.newBuilder()
        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("scores")).build();
    List<OutputEncoder.Requested> wanted = OutputEncoder.requested(PIPELINE, request);
    assertEquals(1, wanted.size());
    ModelInferResponse.Builder b = ModelInferResponse.newBuilder();
    OutputEncoder.add(b, wanted, "scores", new long[] {1, 3}, new float[] {0.25f, 0.5f, 0.25f}, List.of());
    OutputEncoder.add(b, wanted, "reference", new long[] {1, 1, 4, 4}, new float[16], List.of());
    assertEquals(1, b.getOutputsCount());
    assertEquals(List.of(1L, 3L), b.getOutputs(0).getShapeList());
    float[] back = new float[3];
    b.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(back);
    assertArrayEquals(new float[] {0.25f, 0.5f, 0.25f}, back);
    assertEquals(2, OutputEncoder.requested(PIPELINE, ModelInferRequest.getDefaultInstance()).size(),
        "no outputs named: all of them");
    RecognitionException e = assertThrows(RecognitionException.class, () -> OutputEncoder.requested(PIPELINE,
        ModelInferRequest.newBuilder().addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
            .setName("label")).build()));
    assertTrue(e.getMessage().contains("scores FP32 [-1,3]"), e.getMessage());
  }

  @Test
  void classificationGivesTopKAsScoreIndexLabel() throws Exception {
    ModelInferRequest request = ModelInferRequest.newBuilder()
        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("scores")
            .putParameters("classification", InferParameter.newBuilder().setInt64Param(2).build())).build();
    ModelInferResponse.Builder b = ModelInferResponse.newBuilder();
    OutputEncoder.add(b, OutputEncoder.requested(PIPELINE, request), "scores", new long[] {2, 3},
        new float[] {0.1f, 0.7f, 0.2f, 0.6f, 0.3f, 0.1f}, List.of("a", "b", "c"));
    assertEquals("BYTES", b.getOutputs(0).getDatatype());
    assertEquals(List.of(2L, 2L), b.getOutputs(0).getShapeList());
    ByteBuffer raw = b.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    List<String> entries = new java.util.ArrayList<>();
    while (raw.hasRemaining()) {
      byte[] e = new byte[raw.getInt()];
      raw.get(e);
      entries.add(new String(e, StandardCharsets.UTF_8));
    }
    assertEquals(List.of("0.700000:1:b", "0.200000:2:c", "0.600000:0:a", "0.300000:1:b"), entries);
  }
}
