package dev.fer.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.fer.client.FerClient;
import dev.fer.oip.GRPCInferenceServiceGrpc;
import dev.fer.oip.InferTensorContents;
import dev.fer.oip.ModelConfig;
import dev.fer.oip.ModelConfigRequest;
import dev.fer.oip.ModelInferRequest;
import dev.fer.oip.ModelInferResponse;
import dev.fer.oip.ModelMetadataRequest;
import dev.fer.oip.ModelMetadataResponse;
import dev.fer.oip.ModelReadyRequest;
import dev.fer.oip.ModelStatisticsRequest;
import dev.fer.oip.ModelStreamInferResponse;
import dev.fer.oip.ServerLiveRequest;
import dev.fer.oip.ServerMetadataRequest;
import dev.fer.oip.ServerReadyRequest;
import dev.fer.spi.FaceSpec;
import dev.fer.spi.FrameInput;
import dev.fer.v1.ClassScore;
import dev.fer.v1.Pipeline;
import dev.fer.v1.RecognizeResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Open Inference Protocol v2 endpoint over a real Netty server on 127.0.0.1, beside fer.v1 on
 * the same port: the same face gives the same label and scores through both.
 */
class OipEndToEndTest {
  static FerServer server;
  static FerClient client;
  static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub oip;
  static Pipeline pipeline;
  static List<Path> faces;

  @BeforeAll
  static void start() throws Exception {
    server = TestSupport.startNetty(TestSupport.config());
    client = FerClient.connect("127.0.0.1:" + server.port());
    oip = GRPCInferenceServiceGrpc.newBlockingStub(client.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
    pipeline = client.pipeline("");
    faces = TestSupport.fer2013Faces(1);
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  static byte[] face(int i) throws Exception {
    return Files.readAllBytes(faces.get(i));
  }

  /** BYTES raw form: each element a 4-byte little-endian length, then its bytes. */
  static ByteString bytesTensor(byte[]... elements) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] e : elements) {
      out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(e.length).array());
      out.writeBytes(e);
    }
    return ByteString.copyFrom(out.toByteArray());
  }

  static ByteString floatsTensor(float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return ByteString.copyFrom(b.array());
  }

  static float[] floats(ModelInferResponse r, String output) {
    for (int i = 0; i < r.getOutputsCount(); i++) {
      if (r.getOutputs(i).getName().equals(output)) {
        assertEquals("FP32", r.getOutputs(i).getDatatype());
        ByteBuffer b = r.getRawOutputContents(i).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[b.remaining() / 4];
        b.asFloatBuffer().get(values);
        return values;
      }
    }
    throw new AssertionError("no output " + output + " in " + r.getOutputsList());
  }

  static long[] shape(ModelInferResponse r, String output) {
    return r.getOutputsList().stream().filter(o -> o.getName().equals(output)).findFirst().orElseThrow()
        .getShapeList().stream().mapToLong(Long::longValue).toArray();
  }

  static ModelInferRequest.Builder imageRequest(String model, String version, byte[]... images) {
    return ModelInferRequest.newBuilder().setModelName(model).setModelVersion(version).setId("req-1")
        .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("image").setDatatype("BYTES")
            .addShape(images.length).addShape(1))
        .addRawInputContents(bytesTensor(images));
  }

  static ModelInferRequest.InferInputTensor.Builder fp32Input(String name, long... shape) {
    ModelInferRequest.InferInputTensor.Builder b = ModelInferRequest.InferInputTensor.newBuilder()
        .setName(name).setDatatype("FP32");
    for (long d : shape) {
      b.addShape(d);
    }
    return b;
  }

  /** The normalised face tensor the server's own preprocessing makes of a face crop. */
  static float[] faceTensor(byte[] image) throws Exception {
    FaceSpec spec = server.engine().catalog().get("").faceSpec();
    return server.engine().preprocessor().prepare(FrameInput.encoded(image, List.of(), true), spec).tensor();
  }

  static RecognizeResponse ferV1(byte[] image, String variant) {
    return client.recognize(FerClient.request(image).setFaceCrop(true).setVariant(variant).build());
  }

  static void assertSameScores(RecognizeResponse v1, float[] scores, int row) {
    List<ClassScore> expected = v1.getFaces(0).getScoresList();
    int classes = expected.size();
    int best = 0;
    for (int c = 0; c < classes; c++) {
      assertEquals(expected.get(c).getScore(), scores[row * classes + c], 1e-5, "class " + expected.get(c).getLabel());
      best = scores[row * classes + c] > scores[row * classes + best] ? c : best;
    }
    assertEquals(v1.getFaces(0).getLabel(), pipeline.getClasses(best), "same top label");
  }

  @Test
  void serverIsLiveReadyAndDescribesItself() {
    assertTrue(oip.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
    assertTrue(oip.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
    assertEquals("fer-server", oip.serverMetadata(ServerMetadataRequest.getDefaultInstance()).getName());
    assertTrue(oip.modelReady(ModelReadyRequest.newBuilder().setName("fer").build()).getReady());
    assertTrue(oip.modelReady(ModelReadyRequest.newBuilder().setName(pipeline.getName() + ".encoder").build()).getReady());
    assertFalse(oip.modelReady(ModelReadyRequest.newBuilder().setName("nope").build()).getReady());
    assertFalse(oip.modelReady(ModelReadyRequest.newBuilder().setName("fer").setVersion("99").build()).getReady());
    assertEquals(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING,
        io.grpc.health.v1.HealthGrpc.newBlockingStub(client.channel()).check(io.grpc.health.v1.HealthCheckRequest
            .newBuilder().setService("inference.GRPCInferenceService").build()).getStatus());
  }

  @Test
  void metadataNamesTensorsWithBatchAxisMinusOne() {
    long h = pipeline.getInputHeight();
    long w = pipeline.getInputWidth();
    long c = pipeline.getClassesCount();
    ModelMetadataResponse fer = oip.modelMetadata(ModelMetadataRequest.newBuilder().setName("fer").build());
    assertEquals("face", fer.getInputs(0).getName());
    assertEquals("FP32", fer.getInputs(0).getDatatype());
    assertEquals(List.of(-1L, 1L, h, w), fer.getInputs(0).getShapeList());
    assertEquals("image", fer.getInputs(1).getName());
    assertEquals("BYTES", fer.getInputs(1).getDatatype());
    assertEquals("scores", fer.getOutputs(0).getName());
    assertEquals(List.of(-1L, c), fer.getOutputs(0).getShapeList());
    assertEquals("reference", fer.getOutputs(1).getName());
    assertEquals(List.of(-1L, 1L, h, w), fer.getOutputs(1).getShapeList());
    assertEquals(pipeline.getVariantsCount(), fer.getVersionsCount(), "one version per generator variant");

    String p = pipeline.getName();
    ModelMetadataResponse gen = oip.modelMetadata(ModelMetadataRequest.newBuilder().setName(p + ".generator").build());
    assertEquals(List.of(-1L, 1L, h, w), gen.getInputs(0).getShapeList());
    ModelMetadataResponse enc = oip.modelMetadata(ModelMetadataRequest.newBuilder().setName(p + ".encoder").build());
    assertEquals(2, enc.getInputsCount());
    assertEquals(2, enc.getOutputs(0).getShapeCount());
    assertEquals(-1L, enc.getOutputs(0).getShape(0));
    ModelMetadataResponse cls = oip.modelMetadata(ModelMetadataRequest.newBuilder().setName(p + ".classifier").build());
    assertEquals(enc.getOutputs(0).getShapeList(), cls.getInputs(0).getShapeList());
    assertEquals(List.of(-1L, c), cls.getOutputs(0).getShapeList());
  }

  @Test
  void everyPipelineIsAModelAndFerIsTheDefaultOne() throws Exception {
    var all = client.listPipelines();
    assertEquals(all.getDefaultPipeline(), oip.modelConfig(ModelConfigRequest.newBuilder().setName("fer").build())
        .getConfig().getParametersOrThrow("pipeline").getStringValue());
    byte[] image = face(0);
    for (Pipeline p : all.getPipelinesList()) {
      ModelConfig config = oip.modelConfig(ModelConfigRequest.newBuilder().setName(p.getName()).build()).getConfig();
      assertEquals(String.join(",", p.getClassesList()), config.getParametersOrThrow("classes").getStringValue());
      assertEquals(List.of(1L, (long) p.getInputHeight(), (long) p.getInputWidth()), config.getInput(0).getDimsList(),
          "dims leave out the batch axis");
      RecognizeResponse v1 = client.recognize(FerClient.request(image).setFaceCrop(true).setPipeline(p.getName())
          .setVariant(p.getActiveVariant()).build());
      ModelInferResponse r = oip.modelInfer(imageRequest(p.getName(), p.getActiveVariant(), image).build());
      assertEquals(p.getClassesCount(), shape(r, "scores")[1]);
      List<ClassScore> expected = v1.getFaces(0).getScoresList();
      float[] scores = floats(r, "scores");
      for (int c = 0; c < expected.size(); c++) {
        assertEquals(expected.get(c).getScore(), scores[c], 1e-5, p.getName() + " " + expected.get(c).getLabel());
      }
    }
  }

  @Test
  void sameImageGivesSameLabelAndScoresThroughFerV1AndOip() throws Exception {
    String variant = pipeline.getActiveVariant();
    for (int i = 0; i < Math.min(4, faces.size()); i++) {
      byte[] image = face(i);
      RecognizeResponse v1 = ferV1(image, variant);
      ModelInferResponse r = oip.modelInfer(imageRequest("fer", variant, image).build());
      assertEquals("req-1", r.getId());
      assertEquals(variant, r.getParametersOrThrow("variant").getStringParam());
      assertArrayEquals(new long[] {1, pipeline.getClassesCount()}, shape(r, "scores"));
      assertSameScores(v1, floats(r, "scores"), 0);
    }
  }

  @Test
  void faceTensorInTypedContentsGivesTheSameScoresAsFerV1() throws Exception {
    String variant = pipeline.getActiveVariant();
    byte[] a = face(0);
    byte[] b = face(1);
    float[] ta = faceTensor(a);
    float[] tb = faceTensor(b);
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    for (float v : ta) {
      contents.addFp32Contents(v);
    }
    for (float v : tb) {
      contents.addFp32Contents(v);
    }
    ModelInferResponse r = oip.modelInfer(ModelInferRequest.newBuilder().setModelName(pipeline.getName())
        .setModelVersion(variant)
        .addInputs(fp32Input("face", 2, 1, pipeline.getInputHeight(), pipeline.getInputWidth()).setContents(contents))
        .build());
    assertArrayEquals(new long[] {2, pipeline.getClassesCount()}, shape(r, "scores"));
    assertSameScores(ferV1(a, variant), floats(r, "scores"), 0);
    assertSameScores(ferV1(b, variant), floats(r, "scores"), 1);
    assertEquals(2 * ta.length, floats(r, "reference").length);
  }

  @Test
  void stagesChainedByTheClientGiveThePipelineScores() throws Exception {
    String p = pipeline.getName();
    String variant = pipeline.getActiveVariant();
    byte[] image = face(2);
    float[] tensor = faceTensor(image);
    long h = pipeline.getInputHeight();
    long w = pipeline.getInputWidth();
    ModelInferResponse gen = oip.modelInfer(ModelInferRequest.newBuilder().setModelName(p + ".generator")
        .setModelVersion(variant).addInputs(fp32Input("face", 1, 1, h, w))
        .addRawInputContents(floatsTensor(tensor)).build());
    float[] reference = floats(gen, "reference");
    ModelInferResponse enc = oip.modelInfer(ModelInferRequest.newBuilder().setModelName(p + ".encoder")
        .addInputs(fp32Input("face", 1, 1, h, w)).addInputs(fp32Input("reference", 1, 1, h, w))
        .addRawInputContents(floatsTensor(tensor)).addRawInputContents(floatsTensor(reference)).build());
    float[] embedding = floats(enc, "embedding");
    ModelInferResponse cls = oip.modelInfer(ModelInferRequest.newBuilder().setModelName(p + ".classifier")
        .addInputs(fp32Input("embedding", 1, embedding.length)).addRawInputContents(floatsTensor(embedding)).build());
    float[] logits = floats(cls, "logits");
    float max = Float.NEGATIVE_INFINITY;
    for (float l : logits) {
      max = Math.max(max, l);
    }
    float sum = 0;
    float[] softmax = new float[logits.length];
    for (int i = 0; i < logits.length; i++) {
      softmax[i] = (float) Math.exp(logits[i] - max);
      sum += softmax[i];
    }
    for (int i = 0; i < logits.length; i++) {
      softmax[i] /= sum;
    }
    assertSameScores(ferV1(image, variant), softmax, 0);
  }

  @Test
  void versionsAreTheGeneratorVariants() throws Exception {
    byte[] image = face(0);
    ModelMetadataResponse fer = oip.modelMetadata(ModelMetadataRequest.newBuilder().setName("fer").build());
    List<String> served = new ArrayList<>();
    for (String version : fer.getVersionsList()) {
      ModelInferResponse r = oip.modelInfer(imageRequest("fer", version, image).build());
      assertEquals(version, r.getModelVersion());
      String variant = r.getParametersOrThrow("variant").getStringParam();
      served.add(variant);
      assertSameScores(ferV1(image, variant), floats(r, "scores"), 0);
      ModelInferResponse byName = oip.modelInfer(imageRequest("fer", variant, image).build());
      assertEquals(version, byName.getModelVersion(), "a variant name is accepted as its version");
    }
    assertEquals(pipeline.getVariantsList().stream().sorted().toList(), served.stream().sorted().toList());
    assertTrue(oip.modelStatistics(ModelStatisticsRequest.newBuilder().setName("fer").build()).getModelStatsList()
        .stream().mapToLong(s -> s.getInferenceCount()).sum() >= fer.getVersionsCount());
  }

  static Status.Code refused(ModelInferRequest request, String... expectInMessage) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> oip.modelInfer(request));
    String message = e.getStatus().getDescription();
    for (String part : expectInMessage) {
      assertTrue(message != null && message.contains(part), "message should mention '" + part + "': " + message);
    }
    return e.getStatus().getCode();
  }

  @Test
  void wrongNamesDatatypesAndShapesAreInvalidArgumentWithExpectedAndGiven() throws Exception {
    long h = pipeline.getInputHeight();
    long w = pipeline.getInputWidth();
    String expected = "[-1,1," + h + "," + w + "]";
    ModelInferRequest wrongShape = ModelInferRequest.newBuilder().setModelName("fer")
        .addInputs(fp32Input("face", 1, 1, h + 1, w)).addRawInputContents(floatsTensor(new float[(int) ((h + 1) * w)]))
        .build();
    assertEquals(Status.Code.INVALID_ARGUMENT, refused(wrongShape, "[1,1," + (h + 1) + "," + w + "]", expected));
    ModelInferRequest wrongRank = ModelInferRequest.newBuilder().setModelName("fer")
        .addInputs(fp32Input("face", 1, h, w)).addRawInputContents(floatsTensor(new float[(int) (h * w)])).build();
    assertEquals(Status.Code.INVALID_ARGUMENT, refused(wrongRank, "[1," + h + "," + w + "]", expected));
    ModelInferRequest wrongType = ModelInferRequest.newBuilder().setModelName("fer")
        .addInputs(fp32Input("face", 1, 1, h, w).setDatatype("FP64"))
        .addRawInputContents(ByteString.copyFrom(new byte[(int) (h * w * 8)])).build();
    assertEquals(Status.Code.INVALID_ARGUMENT, refused(wrongType, "FP64", "FP32"));
    ModelInferRequest wrongName = ModelInferRequest.newBuilder().setModelName("fer")
        .addInputs(fp32Input("pixels", 1, 1, h, w)).addRawInputContents(floatsTensor(new float[(int) (h * w)])).build();
    assertEquals(Status.Code.INVALID_ARGUMENT, refused(wrongName, "pixels", "face FP32 " + expected));
    ModelInferRequest shortRaw = ModelInferRequest.newBuilder().setModelName("fer")
        .addInputs(fp32Input("face", 1, 1, h, w)).addRawInputContents(floatsTensor(new float[10])).build();
    assertEquals(Status.Code.INVALID_ARGUMENT, refused(shortRaw, String.valueOf(h * w * 4), "40"));
    ModelInferRequest missing = ModelInferRequest.newBuilder().setModelName(pipeline.getName() + ".encoder")
        .addInputs(fp32Input("face", 1, 1, h, w)).addRawInputContents(floatsTensor(new float[(int) (h * w)])).build();
    assertEquals(Status.Code.INVALID_ARGUMENT, refused(missing, "reference"));
    ModelInferRequest badOutput = imageRequest("fer", "", face(0)).addOutputs(
        ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("label")).build();
    assertEquals(Status.Code.INVALID_ARGUMENT, refused(badOutput, "label", "scores"));
    ModelInferRequest notAnImage = imageRequest("fer", "", "not an image".getBytes()).build();
    assertEquals(Status.Code.INVALID_ARGUMENT, refused(notAnImage, "image 0"));
  }

  @Test
  void unknownModelsAndVersionsAreNotFound() throws Exception {
    assertEquals(Status.Code.NOT_FOUND, refused(imageRequest("nope", "", face(0)).build(), "nope", "fer"));
    assertEquals(Status.Code.NOT_FOUND, refused(imageRequest("fer", "99", face(0)).build(), "99"));
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> oip.modelMetadata(ModelMetadataRequest.newBuilder().setName("nope").build()));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
  }

  @Test
  void streamAnswersEveryRequestInOrderAndReportsBadOnesInline() throws Exception {
    List<ModelInferRequest> requests = List.of(
        imageRequest("fer", "", face(0)).setId("a").build(),
        imageRequest("fer", "", "broken".getBytes()).setId("b").build(),
        imageRequest("fer", "", face(1)).setId("c").build());
    List<ModelStreamInferResponse> responses = new ArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<ModelInferRequest> stream = GRPCInferenceServiceGrpc.newStub(client.channel())
        .modelStreamInfer(new StreamObserver<>() {
          @Override
          public void onNext(ModelStreamInferResponse value) {
            synchronized (responses) {
              responses.add(value);
            }
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            done.complete(null);
          }
        });
    requests.forEach(stream::onNext);
    stream.onCompleted();
    done.get(60, TimeUnit.SECONDS);
    assertEquals(List.of("a", "b", "c"), responses.stream().map(r -> r.getInferResponse().getId()).toList());
    assertTrue(responses.get(0).getErrorMessage().isEmpty());
    assertTrue(responses.get(1).getErrorMessage().startsWith("INVALID_ARGUMENT"), responses.get(1).getErrorMessage());
    assertTrue(responses.get(2).getErrorMessage().isEmpty());
    assertSameScores(ferV1(face(1), responses.get(2).getInferResponse().getParametersOrThrow("variant").getStringParam()),
        floats(responses.get(2).getInferResponse(), "scores"), 0);
  }
}
