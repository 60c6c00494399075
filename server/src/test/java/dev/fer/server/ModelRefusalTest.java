package dev.fer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fer.client.FerClient;
import dev.fer.server.admin.AdminClient;
import dev.fer.server.core.Pipeline;
import dev.fer.server.core.PipelineLoader;
import dev.fer.server.repository.ModelRepository;
import dev.fer.spi.ModelLoadException;
import dev.fer.spi.ModelVersion;
import dev.fer.v1.ListVariantsRequest;
import dev.fer.v1.LoadVariantRequest;
import dev.fer.v1.VariantState;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken or mismatched generator models are refused with a clear reason; serving goes on. */
class ModelRefusalTest {
  static FerServer server;
  static FerClient client;
  static byte[] face;

  @BeforeAll
  static void start() throws Exception {
    server = TestSupport.startNetty(TestSupport.config());
    client = FerClient.connect("127.0.0.1:" + server.port());
    face = Files.readAllBytes(TestSupport.fer2013Faces(1).get(0));
  }

  @AfterAll
  static void stop() {
    // Both stay null when the models are missing and the class was skipped.
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** A copy of a shipped generator version folder, to be broken by the test. */
  static Path copyOfGenerator(Path dir, Pipeline pipeline) throws Exception {
    ModelVersion source = pipeline.variants().get(pipeline.variants().split().active()).model();
    Path target = dir.resolve("generator-broken/7");
    Files.createDirectories(target);
    Files.copy(source.directory().resolve("card.json"), target.resolve("card.json"));
    Files.copy(source.modelFile(), target.resolve("model.onnx"));
    return target;
  }

  ModelLoadException refusal(Path version) throws Exception {
    Pipeline pipeline = server.engine().catalog().get("");
    PipelineLoader loader = server.injector().getInstance(PipelineLoader.class);
    return assertThrows(ModelLoadException.class, () -> loader.loadVariant(pipeline, ModelRepository.readVersion(version)));
  }

  void stillServes() {
    assertEquals(1, client.recognize(FerClient.request(face).setFaceCrop(true).build()).getFacesCount());
  }

  @Test
  void corruptModelFileIsRefused(@TempDir Path dir) throws Exception {
    Path v = copyOfGenerator(dir, server.engine().catalog().get(""));
    Files.write(v.resolve("model.onnx"), "definitely not onnx".getBytes());
    ModelLoadException e = refusal(v);
    assertTrue(e.getMessage().contains("cannot load"), e.getMessage());
    stillServes();
  }

  @Test
  void wrongInputShapeIsRefused(@TempDir Path dir) throws Exception {
    Path v = copyOfGenerator(dir, server.engine().catalog().get(""));
    Files.copy(Path.of(getClass().getResource("/fixtures/generator-32x32.onnx").toURI()), v.resolve("model.onnx"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    ModelLoadException e = refusal(v);
    assertTrue(e.getMessage().contains("shape"), e.getMessage());
    stillServes();
  }

  @Test
  void incompatibleCardIsRefused(@TempDir Path dir) throws Exception {
    Path v = copyOfGenerator(dir, server.engine().catalog().get(""));
    String card = Files.readString(v.resolve("card.json"));
    Files.writeString(v.resolve("card.json"), card.replaceFirst("\"contract\"\\s*:\\s*\"[^\"]*\"", "\"contract\": \"some-other-encoder\""));
    ModelLoadException e = refusal(v);
    assertTrue(e.getMessage().contains("incompatible"), e.getMessage());
    stillServes();
  }

  /** The same refusal through the admin API: INVALID_ARGUMENT with the reason, nothing changes. */
  void adminRefuses(Path version, String reason) throws Exception {
    var before = server.engine().catalog().get("").variants().split();
    try (AdminClient admin = new AdminClient("127.0.0.1:" + server.adminPort(), "", null)) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> admin.stub().loadVariant(
          LoadVariantRequest.newBuilder().setPath(version.toString()).setActivate(true).build()));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
      assertTrue(e.getStatus().getDescription().contains(reason), e.getStatus().getDescription());
      assertTrue(e.getStatus().getDescription().contains("load it again"), e.getStatus().getDescription());
      assertTrue(admin.stub().listVariants(ListVariantsRequest.getDefaultInstance()).getVariantsList().stream()
          .anyMatch(v -> v.getPath().equals(version.toString()) && v.getState() == VariantState.VARIANT_FAILED));
    }
    assertEquals(before, server.engine().catalog().get("").variants().split(), "routing unchanged");
    stillServes();
  }

  @Test
  void corruptModelFileIsRefusedThroughTheAdminApi(@TempDir Path dir) throws Exception {
    Path v = copyOfGenerator(dir, server.engine().catalog().get(""));
    Files.write(v.resolve("model.onnx"), "definitely not onnx".getBytes());
    adminRefuses(v, "cannot load");
  }

  @Test
  void wrongInputShapeIsRefusedThroughTheAdminApi(@TempDir Path dir) throws Exception {
    Path v = copyOfGenerator(dir, server.engine().catalog().get(""));
    Files.copy(Path.of(getClass().getResource("/fixtures/generator-32x32.onnx").toURI()), v.resolve("model.onnx"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    adminRefuses(v, "shape");
  }

  @Test
  void incompatibleCardIsRefusedThroughTheAdminApi(@TempDir Path dir) throws Exception {
    Path v = copyOfGenerator(dir, server.engine().catalog().get(""));
    String card = Files.readString(v.resolve("card.json"));
    Files.writeString(v.resolve("card.json"), card.replaceFirst("\"contract\"\\s*:\\s*\"[^\"]*\"", "\"contract\": \"some-other-encoder\""));
    adminRefuses(v, "incompatible");
  }

  @Test
  void missingCardIsRefused(@TempDir Path dir) throws Exception {
    Path v = copyOfGenerator(dir, server.engine().catalog().get(""));
    Files.delete(v.resolve("card.json"));
    ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelRepository.readVersion(v));
    assertTrue(e.getMessage().contains("card.json"), e.getMessage());
  }
}
