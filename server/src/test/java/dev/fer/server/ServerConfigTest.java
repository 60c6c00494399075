package dev.fer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fer.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
  @Test
  void fileValuesOverrideDefaultsAndFlagsOverrideTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("fer.properties");
    Files.writeString(file, "port=6000\nworkers=3\n");
    ServerConfig c = new ServerConfig().load(file).set("port", "7000");
    assertEquals(7000, c.integer("port"));
    assertEquals(3, c.integer("workers"));
    assertEquals("cpu", c.string("provider"));
  }

  @Test
  void typosAndBadValuesAreReportedClearly(@TempDir Path dir) throws Exception {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ServerConfig().set("prot", "1"));
    assertTrue(e.getMessage().contains("unknown setting 'prot'"));
    e = assertThrows(IllegalArgumentException.class, () -> new ServerConfig().set("port", "abc").integer("port"));
    assertTrue(e.getMessage().contains("whole number"));
  }

  @Test
  void maxBatchAutoFollowsTheProviderAndExplicitValuesWin() {
    assertEquals(8, new ServerConfig().maxBatch(), "small CPU batches by default");
    assertEquals(32, new ServerConfig().set("provider", "cuda").maxBatch());
    assertEquals(32, new ServerConfig().set("provider", "tensorrt").maxBatch());
    assertEquals(16, new ServerConfig().set("provider", "cuda").set("max-batch", "16").maxBatch());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ServerConfig().set("max-batch", "0").maxBatch());
    assertTrue(e.getMessage().contains("max-batch"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new ServerConfig().set("max-batch", "big").maxBatch());
    assertTrue(e.getMessage().contains("whole number"), e.getMessage());
  }
}
