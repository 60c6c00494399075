package dev.fer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fer.client.FerClient;
import dev.fer.server.admin.AdminClient;
import dev.fer.server.core.VariantRegistry;
import dev.fer.v1.ListVariantsRequest;
import dev.fer.v1.RecognizeResponse;
import dev.fer.v1.VariantState;
import dev.fer.v1.VariantStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Watch mode: new version folders are loaded and swapped in; broken ones are reported and ignored. */
class RepositoryWatchTest {
  @TempDir
  Path repo;

  @Test
  void newVersionsAreSwappedInAndBrokenOnesReportedWhileServingGoesOn() throws Exception {
    byte[] face = TinyModels.face(1);
    TinyModels.repository(repo);
    try (FerServer server = TestSupport.startNetty(TinyModels.config(repo).set("watch-models", "true")
            .set("watch-interval-ms", "100"));
        FerClient client = FerClient.connect("127.0.0.1:" + server.port());
        AdminClient admin = new AdminClient("127.0.0.1:" + server.adminPort(), "", null)) {
      VariantRegistry variants = server.engine().catalog().get("").variants();
      Path pipeline = repo.resolve("tiny");

      // A new version of the active variant: loaded, warmed, swapped in under the same name.
      TinyModels.generator(pipeline.resolve("generator-alpha/2"), "alpha", "half");
      waitFor(() -> variants.get("alpha").model().version().equals("2"));
      RecognizeResponse r = client.recognize(FerClient.request(face).setFaceCrop(true).build());
      assertEquals("alpha", r.getVariant());
      assertFalse(r.hasError());

      // A broken version: reported, ignored, the current one keeps serving.
      Path broken = pipeline.resolve("generator-beta/2");
      TinyModels.generator(broken, "beta", "half");
      Files.write(broken.resolve("model.onnx"), "not a model".getBytes());
      waitFor(() -> admin.stub().listVariants(ListVariantsRequest.getDefaultInstance()).getVariantsList().stream()
          .anyMatch(v -> v.getPath().equals(broken.toString()) && v.getState() == VariantState.VARIANT_FAILED));
      VariantStatus failed = admin.stub().listVariants(ListVariantsRequest.getDefaultInstance()).getVariantsList()
          .stream().filter(v -> v.getPath().equals(broken.toString())).findFirst().orElseThrow();
      assertTrue(failed.getReason().contains("cannot load"), failed.getReason());
      assertEquals("1", variants.get("beta").model().version());

      // A whole new variant folder: loaded and eligible, not routed to until asked.
      TinyModels.generator(pipeline.resolve("generator-epsilon/1"), "epsilon", "negate");
      waitFor(() -> variants.get("epsilon") != null);
      assertEquals("alpha", variants.split().active());
      assertEquals("epsilon", client.recognize(FerClient.request(face).setFaceCrop(true).setVariant("epsilon")
          .build()).getVariant());
    }
  }

  static void waitFor(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for the repository watch");
      }
      Thread.sleep(20);
    }
  }
}
