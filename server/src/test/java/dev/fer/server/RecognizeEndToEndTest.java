package dev.fer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fer.client.FerClient;
import dev.fer.client.RecognizeSession;
import dev.fer.v1.ClassScore;
import dev.fer.v1.FaceResult;
import dev.fer.v1.Pipeline;
import dev.fer.v1.RecognizeRequest;
import dev.fer.v1.RecognizeResponse;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real faces over a real Netty server on 127.0.0.1, the way a camera client uses it. */
class RecognizeEndToEndTest {
  static FerServer server;
  static FerClient client;

  @BeforeAll
  static void start() throws Exception {
    server = TestSupport.startNetty(TestSupport.config());
    client = FerClient.connect("127.0.0.1:" + server.port());
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

  @Test
  void streamReturnsOneOrderedResultPerFrameWithEveryClassScored() throws Exception {
    List<Path> faces = TestSupport.fer2013Faces(6);
    Pipeline pipeline = client.pipeline("");
    List<RecognizeResponse> responses = new ArrayList<>();
    try (RecognizeSession session = client.stream(8)) {
      CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
        try {
          for (int i = 0; i < faces.size(); i++) {
            session.send(FerClient.request(Files.readAllBytes(faces.get(i))).setFrameId(1000 + i).setFaceCrop(true).build());
          }
          session.finish();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      for (RecognizeResponse r; (r = session.next(60, TimeUnit.SECONDS)) != null; ) {
        responses.add(r);
      }
      sender.get(60, TimeUnit.SECONDS);
    }
    assertEquals(faces.size(), responses.size());
    for (int i = 0; i < responses.size(); i++) {
      RecognizeResponse r = responses.get(i);
      assertEquals(1000 + i, r.getFrameId(), "responses keep frame order");
      assertFalse(r.hasError(), () -> "unexpected error " + r.getError());
      assertEquals(1, r.getFacesCount(), "a face crop is one face");
      FaceResult face = r.getFaces(0);
      assertEquals(pipeline.getClassesList(), face.getScoresList().stream().map(ClassScore::getLabel).toList(),
          "every class of the model card, in its order");
      double sum = face.getScoresList().stream().mapToDouble(ClassScore::getScore).sum();
      assertEquals(1.0, sum, 1e-3);
      assertTrue(pipeline.getClassesList().contains(face.getLabel()));
      assertEquals(pipeline.getName(), r.getPipeline());
      assertFalse(r.getVariant().isEmpty());
      assertTrue(r.getTimingsList().stream().anyMatch(t -> t.getStage().equals("generator")));
    }
  }

  @Test
  void unaryAndStreamingGiveTheSameResultForTheSameImage() throws Exception {
    byte[] image = Files.readAllBytes(TestSupport.fer2013Faces(1).get(3));
    String variant = client.pipeline("").getActiveVariant();
    RecognizeRequest request = FerClient.request(image).setFrameId(7).setFaceCrop(true).setVariant(variant).build();
    RecognizeResponse unary = client.recognize(request);
    RecognizeResponse streamed;
    try (RecognizeSession session = client.stream(1)) {
      session.send(request);
      session.finish();
      streamed = session.next(30, TimeUnit.SECONDS);
    }
    assertEquals(unary.getFaces(0).getLabel(), streamed.getFaces(0).getLabel());
    for (int i = 0; i < unary.getFaces(0).getScoresCount(); i++) {
      assertEquals(unary.getFaces(0).getScores(i).getScore(), streamed.getFaces(0).getScores(i).getScore(), 1e-6);
    }
  }

  @Test
  void referenceFaceIsReturnedAsPngWhenAskedFor() throws Exception {
    byte[] image = Files.readAllBytes(TestSupport.fer2013Faces(1).get(0));
    RecognizeResponse r = client.recognize(FerClient.request(image).setFaceCrop(true).setReturnReference(true).build());
    byte[] png = r.getFaces(0).getReferencePng().toByteArray();
    var decoded = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
    Pipeline p = client.pipeline("");
    assertEquals(p.getInputWidth(), decoded.getWidth());
    assertEquals(p.getInputHeight(), decoded.getHeight());
  }

  @Test
  void everyVariantServesAndIsReportedInTheResponse() throws Exception {
    byte[] image = Files.readAllBytes(TestSupport.fer2013Faces(1).get(2));
    Pipeline p = client.pipeline("");
    assertTrue(p.getVariantsCount() >= 2, "the default pipeline ships several generator variants");
    for (String v : p.getVariantsList()) {
      RecognizeResponse r = client.recognize(FerClient.request(image).setFaceCrop(true).setVariant(v).build());
      assertEquals(v, r.getVariant());
    }
  }

  @Test
  void healthIsServingAfterWarmUpAndReflectionListsTheServices() throws Exception {
    HealthCheckResponse health = HealthGrpc.newBlockingStub(client.channel())
        .check(HealthCheckRequest.newBuilder().setService("fer.v1.Recognition").build());
    assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus());

    CompletableFuture<List<String>> names = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> req = ServerReflectionGrpc.newStub(client.channel())
        .serverReflectionInfo(new StreamObserver<>() {
          @Override
          public void onNext(ServerReflectionResponse value) {
            names.complete(value.getListServicesResponse().getServiceList().stream().map(s -> s.getName()).toList());
          }

          @Override
          public void onError(Throwable t) {
            names.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
    req.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    List<String> services = names.get(10, TimeUnit.SECONDS);
    req.onCompleted();
    assertTrue(services.contains("fer.v1.Recognition"), services::toString);
    assertTrue(services.contains("grpc.health.v1.Health"), services::toString);
  }
}
