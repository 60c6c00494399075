package dev.fer.plugins.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fer.spi.FaceBox;
import dev.fer.spi.FaceSpec;
import dev.fer.spi.FrameInput;
import dev.fer.spi.FrameInput.PixelFormat;
import dev.fer.spi.PreparedFaces;
import dev.fer.spi.PreprocessConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CropTest {
  final FacePreprocessor pre = new FacePreprocessor(
      new PreprocessConfig(Path.of("/nonexistent"), 0.0f, 0.6f, 40_000_000L, 16),
      () -> { throw new AssertionError("detector must not be needed"); });

  @Test
  void faceCropUsesTheWholeImageAndNormalises() throws Exception {
    FaceSpec spec = new FaceSpec(8, 8, 0.5f, 0.5f);
    byte[] g = new byte[64];
    for (int i = 0; i < 64; i++) {
      g[i] = (byte) (i * 4);
    }
    PreparedFaces p = pre.prepare(FrameInput.raw(g, PixelFormat.GRAY8, 8, 8, 0, null, true), spec);
    assertEquals(List.of(new FaceBox(0, 0, 8, 8, 1f)), p.boxes());
    for (int i = 0; i < 64; i++) {
      assertEquals(((i * 4) / 255f - 0.5f) / 0.5f, p.tensor()[i], 1e-6f, "pixel " + i);
    }
  }

  @Test
  void faceCropIgnoresKnownBoxesAndDetector() throws Exception {
    FaceSpec spec = new FaceSpec(4, 4, 0f, 1f);
    byte[] g = new byte[16 * 16];
    java.util.Arrays.fill(g, (byte) 200);
    PreparedFaces p = pre.prepare(FrameInput.raw(g, PixelFormat.GRAY8, 16, 16, 0, null, true), spec);
    assertEquals(1, p.count());
    for (float v : p.tensor()) {
      assertEquals(200 / 255f, v, 1e-6f);
    }
  }

  @Test
  void shrinkingAveragesInsteadOfAliasing() throws Exception {
    // 1-pixel checkerboard of 0/255 shrunk 8x must be mid grey everywhere, not black or white.
    int n = 256;
    byte[] g = new byte[n * n];
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        g[y * n + x] = (byte) (((x + y) & 1) == 0 ? 0 : 255);
      }
    }
    FaceSpec spec = new FaceSpec(32, 32, 0f, 1f);
    PreparedFaces p = pre.prepare(FrameInput.raw(g, PixelFormat.GRAY8, n, n, 0, null, true), spec);
    for (float v : p.tensor()) {
      assertEquals(0.5f, v, 0.01f);
    }
  }

  @Test
  void knownBoxesAreCroppedInTheirOrder() throws Exception {
    // left half dark (50), right half bright (220)
    int w = 200;
    int h = 100;
    byte[] g = new byte[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        g[y * w + x] = (byte) (x < 100 ? 50 : 220);
      }
    }
    FaceSpec spec = new FaceSpec(16, 16, 0f, 1f);
    List<FaceBox> boxes = List.of(new FaceBox(120, 20, 40, 40, 0.9f), new FaceBox(20, 20, 40, 40, 0.8f));
    PreparedFaces p = pre.prepare(FrameInput.raw(g, PixelFormat.GRAY8, w, h, 0, boxes, false), spec);
    assertEquals(boxes, p.boxes());
    assertEquals(2 * 256, p.tensor().length);
    for (int i = 0; i < 256; i++) {
      assertEquals(220 / 255f, p.tensor()[i], 1e-5f);
      assertEquals(50 / 255f, p.tensor()[256 + i], 1e-5f);
    }
  }

  @Test
  void cropMarginEnlargesTheSquareAndPadsWithEdgePixels() throws Exception {
    FacePreprocessor withMargin = new FacePreprocessor(
        new PreprocessConfig(Path.of("/nonexistent"), 0.5f, 0.6f, 40_000_000L, 16), () -> null);
    // 40x40 image: inner 20x20 square (10..30) white on black; box = the square
    byte[] g = new byte[40 * 40];
    for (int y = 10; y < 30; y++) {
      for (int x = 10; x < 30; x++) {
        g[y * 40 + x] = (byte) 255;
      }
    }
    FaceSpec spec = new FaceSpec(40, 40, 0f, 1f);
    PreparedFaces p = withMargin.prepare(FrameInput.raw(g, PixelFormat.GRAY8, 40, 40, 0,
        List.of(new FaceBox(10, 10, 20, 20, 1)), false), spec);
    // margin 0.5 each side: crop side 40 = the whole image: identity
    for (int i = 0; i < 1600; i++) {
      assertEquals((g[i] & 0xff) / 255f, p.tensor()[i], 1e-5f, "pixel " + i);
    }
    // a box at the corner: the crop leaves the frame, padded with edge pixels (no NaN, no zeros from nowhere)
    PreparedFaces corner = withMargin.prepare(FrameInput.raw(g, PixelFormat.GRAY8, 40, 40, 0,
        List.of(new FaceBox(0, 0, 20, 20, 1)), false), spec);
    for (float v : corner.tensor()) {
      assertTrue(v >= 0 && v <= 1, "value " + v);
    }
  }

  @Test
  void nonSquareSpecKeepsTheModelAspect() throws Exception {
    FaceSpec spec = new FaceSpec(20, 10, 0f, 1f);
    byte[] g = TestImages.gray(100, 100);
    PreparedFaces p = pre.prepare(FrameInput.raw(g, PixelFormat.GRAY8, 100, 100, 0,
        List.of(new FaceBox(40, 40, 20, 20, 1)), false), spec);
    assertEquals(200, p.tensor().length);
  }
}
