package dev.fer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.fer.client.FerClient;
import dev.fer.spi.ModelLoadException;
import dev.fer.spi.OnnxSessions;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** On a machine without a GPU, a GPU provider falls back to CPU unless the config requires it. */
class ExecutionProviderTest {
  static boolean hasGpu() {
    return Files.exists(java.nio.file.Path.of("/dev/nvidia0"));
  }

  @Test
  void cudaFallsBackToCpuAndServes() throws Exception {
    assumeFalse(hasGpu(), "skipped: this machine has a GPU, so there is no fallback to see");
    byte[] face = Files.readAllBytes(TestSupport.fer2013Faces(1).get(0));
    try (FerServer server = TestSupport.startNetty(TestSupport.config().set("provider", "cuda"));
        FerClient client = FerClient.connect("127.0.0.1:" + server.port())) {
      assertEquals("cpu", server.injector().getInstance(OnnxSessions.class).activeProvider());
      assertEquals(1, client.recognize(FerClient.request(face).setFaceCrop(true).build()).getFacesCount());
    }
  }

  @Test
  void aRequiredProviderThatCannotLoadFailsTheStartWithTheReason() {
    assumeFalse(hasGpu(), "skipped: this machine has a GPU");
    TestSupport.models();
    ModelLoadException e = assertThrows(ModelLoadException.class, () -> {
      try (FerServer server = TestSupport.startNetty(TestSupport.config()
          .set("provider", "tensorrt").set("provider-required", "true"))) {
        server.port();
      }
    });
    assertTrue(e.getMessage().contains("no pipeline") || e.getMessage().contains("required"), e.getMessage());
  }
}
