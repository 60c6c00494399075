package dev.fer.plugins.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fer.spi.FaceSpec;
import dev.fer.spi.FrameInput;
import dev.fer.spi.PreparedFaces;
import dev.fer.spi.PreprocessConfig;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** 48x48 crops from the shared data set, sent as face crops, come out as exactly their own pixels. */
class SharedDataTest {
  @Test
  void ckplusCropsPassThroughUnchanged() throws Exception {
    String prop = System.getProperty("fer.data");
    Path dir = prop == null ? null : Paths.get(prop).resolve("ckplus48").resolve("images");
    assumeTrue(dir != null && Files.isDirectory(dir),
        "skipped: shared data not found (system property fer.data = " + prop + ")");
    FacePreprocessor pre = new FacePreprocessor(PreprocessConfig.defaults(Path.of("/nonexistent")),
        () -> { throw new AssertionError("detector must not be needed"); });
    FaceSpec spec = new FaceSpec(48, 48, 0.5f, 0.5f);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".png")).sorted().limit(20).toList()) {
        byte[] bytes = Files.readAllBytes(f);
        BufferedImage img = ImageIO.read(f.toFile());
        PreparedFaces p = pre.prepare(FrameInput.encoded(bytes, null, true), spec);
        assertEquals(1, p.count());
        for (int y = 0; y < 48; y++) {
          for (int x = 0; x < 48; x++) {
            int v = img.getRaster().getSample(x, y, 0);
            assertEquals((v / 255f - 0.5f) / 0.5f, p.tensor()[y * 48 + x], 1e-5f, f + " at " + x + "," + y);
          }
        }
      }
    }
  }
}
