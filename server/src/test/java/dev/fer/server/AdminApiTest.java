package dev.fer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fer.client.FerClient;
import dev.fer.server.admin.AdminClient;
import dev.fer.v1.AdminGrpc;
import dev.fer.v1.GetStatsRequest;
import dev.fer.v1.GetStatsResponse;
import dev.fer.v1.ListVariantsRequest;
import dev.fer.v1.ListVariantsResponse;
import dev.fer.v1.LoadVariantRequest;
import dev.fer.v1.RecognizeResponse;
import dev.fer.v1.Routing;
import dev.fer.v1.SetActiveVariantRequest;
import dev.fer.v1.SetTrafficSplitRequest;
import dev.fer.v1.StageLatency;
import dev.fer.v1.UnloadVariantRequest;
import dev.fer.v1.VariantState;
import dev.fer.v1.VariantStats;
import dev.fer.v1.VariantStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin service over a real Netty server: listing, loading, refusals, unloading, statistics. */
class AdminApiTest {
  @TempDir
  static Path repo;
  static FerServer server;
  static FerClient client;
  static AdminClient admin;
  static byte[] face;

  @BeforeAll
  static void start() throws Exception {
    face = TinyModels.face(1);
    TinyModels.repository(repo);
    server = TestSupport.startNetty(TinyModels.config(repo));
    client = FerClient.connect("127.0.0.1:" + server.port());
    admin = new AdminClient("127.0.0.1:" + server.adminPort(), "", null);
  }

  @AfterAll
  static void stop() {
    if (admin != null) {
      admin.close();
    }
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void backToAlpha() {
    admin.stub().setTrafficSplit(SetTrafficSplitRequest.newBuilder().build());
    admin.stub().setActiveVariant(SetActiveVariantRequest.newBuilder().setVariant("alpha").build());
  }

  AdminGrpc.AdminBlockingStub stub() {
    return admin.stub();
  }

  RecognizeResponse recognize() {
    return client.recognize(FerClient.request(face).setFaceCrop(true).build());
  }

  static Path copyOf(String stage, String newName) throws Exception {
    Path target = Files.createTempDirectory(repo, newName).resolve("generator-" + newName + "/3");
    Files.createDirectories(target);
    Path source = repo.resolve("tiny").resolve(stage).resolve("1");
    Files.copy(source.resolve("card.json"), target.resolve("card.json"));
    Files.copy(source.resolve("model.onnx"), target.resolve("model.onnx"));
    return target;
  }

  @Test
  void listsReadyVariantsWithRouting() {
    ListVariantsResponse list = stub().listVariants(ListVariantsRequest.getDefaultInstance());
    assertEquals("tiny", list.getPipeline());
    assertEquals(List.of("alpha", "beta", "gamma"),
        list.getVariantsList().stream().filter(v -> v.getState() == VariantState.VARIANT_READY)
            .map(VariantStatus::getVariant).toList());
    assertEquals("alpha", list.getRouting().getActive());
  }

  @Test
  void setActiveVariantRoutesEveryFrameThere() {
    Routing r = stub().setActiveVariant(SetActiveVariantRequest.newBuilder().setVariant("gamma").build());
    assertEquals("gamma", r.getActive());
    for (int i = 0; i < 5; i++) {
      assertEquals("gamma", recognize().getVariant());
    }
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> stub().setActiveVariant(SetActiveVariantRequest.newBuilder().setVariant("nope").build()));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("ready variants"), e.getStatus().getDescription());
  }

  StatusRuntimeException refusedLoad(Path version) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> stub().loadVariant(LoadVariantRequest.newBuilder().setPath(version.toString()).setActivate(true).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(e.getStatus().getDescription().contains("serving variants are unchanged"), e.getStatus().getDescription());
    return e;
  }

  void servingUnchanged() {
    RecognizeResponse r = recognize();
    assertFalse(r.hasError());
    assertEquals("alpha", r.getVariant());
    assertEquals(List.of("alpha", "beta", "gamma"), server.engine().catalog().all().get(0).variants().names());
  }

  VariantStatus listed(Path version) {
    return stub().listVariants(ListVariantsRequest.getDefaultInstance()).getVariantsList().stream()
        .filter(v -> v.getPath().equals(version.toAbsolutePath().normalize().toString())).findFirst().orElseThrow();
  }

  @Test
  void corruptModelIsRefusedThroughTheAdminApi() throws Exception {
    Path v = copyOf("generator-beta", "corrupt");
    Files.write(v.resolve("model.onnx"), "definitely not onnx".getBytes());
    StatusRuntimeException e = refusedLoad(v);
    assertTrue(e.getStatus().getDescription().contains("cannot load"), e.getStatus().getDescription());
    assertEquals(VariantState.VARIANT_FAILED, listed(v).getState());
    assertTrue(listed(v).getReason().contains("cannot load"));
    servingUnchanged();
  }

  @Test
  void wrongInputShapeIsRefusedThroughTheAdminApi() throws Exception {
    Path v = copyOf("generator-beta", "shape");
    Files.copy(Path.of(getClass().getResource("/fixtures/generator-32x32.onnx").toURI()), v.resolve("model.onnx"),
        StandardCopyOption.REPLACE_EXISTING);
    StatusRuntimeException e = refusedLoad(v);
    assertTrue(e.getStatus().getDescription().contains("shape"), e.getStatus().getDescription());
    servingUnchanged();
  }

  @Test
  void incompatibleCardIsRefusedThroughTheAdminApi() throws Exception {
    Path v = copyOf("generator-beta", "contract");
    Files.writeString(v.resolve("card.json"), TinyModels.generatorCard("beta", "some-other-encoder"));
    StatusRuntimeException e = refusedLoad(v);
    assertTrue(e.getStatus().getDescription().contains("incompatible"), e.getStatus().getDescription());
    servingUnchanged();
  }

  @Test
  void missingFolderIsNotFound() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> stub().loadVariant(LoadVariantRequest.newBuilder().setPath("generator-nothing/9").build()));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("no folder"), e.getStatus().getDescription());
  }

  @Test
  void loadingANewVersionReplacesTheVariantOfThatNameAndDrainsTheOldOne() throws Exception {
    Path v = copyOf("generator-gamma", "gamma2");
    VariantStatus loaded = stub().loadVariant(LoadVariantRequest.newBuilder().setPath(v.toString()).build());
    assertEquals(VariantState.VARIANT_READY, loaded.getState());
    assertEquals("gamma", loaded.getVariant());
    assertEquals("3", loaded.getVersion());
    assertEquals("3", server.engine().catalog().get("").variants().get("gamma").model().version());
    stub().setActiveVariant(SetActiveVariantRequest.newBuilder().setVariant("gamma").build());
    assertEquals("gamma", recognize().getVariant());
  }

  @Test
  void aNewVariantCanBeLoadedActivatedAndUnloaded() throws Exception {
    Path v = repo.resolve("tiny/generator-delta/1");
    TinyModels.generator(v, "delta", "half");
    VariantStatus loaded = stub().loadVariant(LoadVariantRequest.newBuilder().setPath("generator-delta")
        .setActivate(true).build());
    assertEquals("delta", loaded.getVariant());
    assertEquals("delta", recognize().getVariant());

    StatusRuntimeException busy = assertThrows(StatusRuntimeException.class,
        () -> stub().unloadVariant(UnloadVariantRequest.newBuilder().setVariant("delta").build()));
    assertEquals(Status.Code.FAILED_PRECONDITION, busy.getStatus().getCode());
    assertTrue(busy.getStatus().getDescription().contains("set another active variant"));

    stub().setActiveVariant(SetActiveVariantRequest.newBuilder().setVariant("alpha").build());
    VariantStatus unloaded = stub().unloadVariant(UnloadVariantRequest.newBuilder().setVariant("delta").build());
    assertEquals(VariantState.VARIANT_DRAINING, unloaded.getState());
    assertFalse(server.engine().catalog().get("").variants().names().contains("delta"));
    assertEquals("alpha", recognize().getVariant());
  }

  @Test
  void badSplitsAreRefusedWithTheReason() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub().setTrafficSplit(
        SetTrafficSplitRequest.newBuilder().putWeights("alpha", 1).putWeights("beta", -2).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("positive"));
    e = assertThrows(StatusRuntimeException.class, () -> stub().setTrafficSplit(
        SetTrafficSplitRequest.newBuilder().putWeights("alpha", 1).putWeights("zeta", 1).build()));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
  }

  @Test
  void statsCountFramesLabelsConfidenceAccuracyAndLatencyAndMatchMetrics() throws Exception {
    stub().setActiveVariant(SetActiveVariantRequest.newBuilder().setVariant("beta").build());
    VariantStats before = betaStats();
    int n = 6;
    for (int i = 0; i < n; i++) {
      RecognizeResponse r = client.recognize(FerClient.request(face).setFaceCrop(true)
          .setGroundTruth(i % 2 == 0 ? "happy" : "neutral").build());
      assertEquals("beta", r.getVariant());
    }
    VariantStats after = betaStats();
    assertEquals(n, after.getFramesServed() - before.getFramesServed());
    assertEquals(n, after.getLabelledFrames() - before.getLabelledFrames());
    assertTrue(after.getMeanTop1Confidence() > 0 && after.getMeanTop1Confidence() <= 1);
    assertEquals(after.getFaces(), after.getLabelCountsMap().values().stream().mapToLong(Long::longValue).sum());
    assertEquals((double) after.getCorrectFrames() / after.getLabelledFrames(), after.getAccuracy(), 1e-9);
    StageLatency generator = after.getLatencyList().stream().filter(l -> l.getStage().equals("generator"))
        .findFirst().orElseThrow();
    assertTrue(generator.getCount() >= n);
    assertEquals(generator.getCount(), generator.getBucketsList().stream().mapToLong(b -> b.getCount()).sum());
    assertTrue(generator.getP99Ms() >= generator.getP50Ms());

    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.contains("fer_stage_latency_seconds_bucket{"), metrics);
    assertTrue(metrics.contains("fer_variant_traffic_share{pipeline=\"tiny\",variant=\"beta\"} 1.0"), metrics);
    assertTrue(metrics.contains("fer_variant_in_flight{pipeline=\"tiny\",variant=\"alpha\"} 0"), metrics);
    String served = "fer_variant_frames_total{pipeline=\"tiny\",role=\"served\",variant=\"beta\"} ";
    assertTrue(metrics.contains(served), metrics);
    String line = metrics.lines().filter(l -> l.startsWith(served)).findFirst().orElseThrow();
    assertEquals(after.getFramesServed(), (long) Double.parseDouble(line.substring(served.length()).trim()));
    // One unary frame at a time: every chain run held one face.
    String runs = "fer_batch_faces_count{pipeline=\"tiny\",variant=\"beta\"} ";
    String runsLine = metrics.lines().filter(l -> l.startsWith(runs)).findFirst().orElseThrow(() -> new AssertionError(metrics));
    assertTrue(Double.parseDouble(runsLine.substring(runs.length()).trim()) >= n, runsLine);
    String single = "fer_batch_faces_bucket{pipeline=\"tiny\",variant=\"beta\",le=\"1.0\"} ";
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith(single)), metrics);
  }

  VariantStats betaStats() {
    GetStatsResponse s = stub().getStats(GetStatsRequest.newBuilder().addVariants("beta").build());
    return s.getVariantsList().stream().filter(v -> v.getVariant().equals("beta")).findFirst()
        .orElse(VariantStats.getDefaultInstance());
  }

  @Test
  void unknownPipelineIsNotFound() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> stub().listVariants(ListVariantsRequest.newBuilder().setPipeline("nope").build()));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertNotEquals("", e.getStatus().getDescription());
  }
}
