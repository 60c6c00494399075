package dev.fer.plugins.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fer.spi.FaceBox;
import dev.fer.spi.FaceSpec;
import dev.fer.spi.FrameInput;
import dev.fer.spi.FrameInput.PixelFormat;
import dev.fer.spi.PreparedFaces;
import dev.fer.spi.PreprocessConfig;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Raw pixel formats give the same tensor as the same picture sent as PNG (and BMP, GIF, JPEG decode). */
class FormatsTest {
  static final int W = 97;
  static final int H = 61;
  static final FaceSpec SPEC = new FaceSpec(32, 32, 0.5f, 0.25f);
  static final List<FaceBox> BOXES = List.of(new FaceBox(20, 10, 30, 30, 1), new FaceBox(60, 5, 36, 50, 0.9f));
  final FacePreprocessor pre = new FacePreprocessor(PreprocessConfig.defaults(Path.of("/nonexistent")),
      () -> { throw new AssertionError("detector must not be needed"); });

  private float[] tensor(FrameInput f) throws Exception {
    PreparedFaces p = pre.prepare(f, SPEC);
    assertEquals(W, p.imageWidth());
    assertEquals(H, p.imageHeight());
    assertEquals(BOXES.size(), p.count());
    return p.tensor();
  }

  private static byte[] withStride(byte[] packed, int rowBytes, int stride, int h) {
    byte[] out = new byte[stride * h];
    for (int y = 0; y < h; y++) {
      System.arraycopy(packed, y * rowBytes, out, y * stride, rowBytes);
      for (int i = rowBytes; i < stride; i++) {
        out[y * stride + i] = (byte) 0x5A; // padding must be ignored
      }
    }
    return out;
  }

  @Test
  void rgbFormatsMatchPng() throws Exception {
    byte[] rgb = TestImages.rgb(W, H);
    float[] png = tensor(FrameInput.encoded(TestImages.encode(TestImages.toImage(rgb, W, H), "png"), BOXES, false));
    float[] bmp = tensor(FrameInput.encoded(TestImages.encode(TestImages.toImage(rgb, W, H), "bmp"), BOXES, false));
    assertArrayEquals(png, bmp);
    float[] tiff = tensor(FrameInput.encoded(TestImages.encode(TestImages.toImage(rgb, W, H), "tiff"), BOXES, false));
    assertArrayEquals(png, tiff);
    assertArrayEquals(png, tensor(FrameInput.raw(rgb, PixelFormat.RGB24, W, H, 0, BOXES, false)));
    assertArrayEquals(png, tensor(FrameInput.raw(withStride(rgb, W * 3, W * 3 + 5, H), PixelFormat.RGB24, W, H,
        W * 3 + 5, BOXES, false)));
    byte[] bgr = new byte[rgb.length];
    byte[] rgba = new byte[W * H * 4];
    for (int i = 0; i < W * H; i++) {
      bgr[i * 3] = rgb[i * 3 + 2];
      bgr[i * 3 + 1] = rgb[i * 3 + 1];
      bgr[i * 3 + 2] = rgb[i * 3];
      rgba[i * 4] = rgb[i * 3];
      rgba[i * 4 + 1] = rgb[i * 3 + 1];
      rgba[i * 4 + 2] = rgb[i * 3 + 2];
      rgba[i * 4 + 3] = (byte) (i * 31);
    }
    assertArrayEquals(png, tensor(FrameInput.raw(bgr, PixelFormat.BGR24, W, H, 0, BOXES, false)));
    assertArrayEquals(png, tensor(FrameInput.raw(withStride(bgr, W * 3, W * 3 + 3, H), PixelFormat.BGR24, W, H,
        W * 3 + 3, BOXES, false)));
    assertArrayEquals(png, tensor(FrameInput.raw(rgba, PixelFormat.RGBA32, W, H, 0, BOXES, false)));
    assertArrayEquals(png, tensor(FrameInput.raw(withStride(rgba, W * 4, W * 4 + 12, H), PixelFormat.RGBA32, W, H,
        W * 4 + 12, BOXES, false)));
  }

  @Test
  void grayMatchesGreyPngAndRgbWithEqualChannels() throws Exception {
    byte[] g = TestImages.gray(W, H);
    float[] png = tensor(FrameInput.encoded(TestImages.encode(TestImages.grayImage(g, W, H), "png"), BOXES, false));
    assertArrayEquals(png, tensor(FrameInput.raw(g, PixelFormat.GRAY8, W, H, 0, BOXES, false)));
    assertArrayEquals(png, tensor(FrameInput.raw(withStride(g, W, W + 3, H), PixelFormat.GRAY8, W, H, W + 3, BOXES,
        false)));
    // the last row may come without its padding
    byte[] padded = withStride(g, W, W + 3, H);
    byte[] tight = java.util.Arrays.copyOf(padded, padded.length - 3);
    assertArrayEquals(png, tensor(FrameInput.raw(tight, PixelFormat.GRAY8, W, H, W + 3, BOXES, false)));
    byte[] rgb = new byte[W * H * 3];
    for (int i = 0; i < W * H; i++) {
      rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = g[i];
    }
    float[] fromRgb = tensor(FrameInput.raw(rgb, PixelFormat.RGB24, W, H, 0, BOXES, false));
    for (int i = 0; i < png.length; i++) {
      assertEquals(png[i], fromRgb[i], 1e-4f); // 0.299 + 0.587 + 0.114 = 1 up to float rounding
    }
  }

  @Test
  void gifWithPaletteDecodes() throws Exception {
    byte[] r = new byte[256];
    byte[] gg = new byte[256];
    byte[] b = new byte[256];
    for (int i = 0; i < 256; i++) {
      r[i] = gg[i] = b[i] = (byte) i;
    }
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 256, r, gg, b));
    byte[] g = TestImages.gray(W, H);
    img.getRaster().setDataElements(0, 0, W, H, g);
    float[] gif = tensor(FrameInput.encoded(TestImages.encode(img, "gif"), BOXES, false));
    float[] raw = tensor(FrameInput.raw(g, PixelFormat.GRAY8, W, H, 0, BOXES, false));
    for (int i = 0; i < raw.length; i++) {
      assertEquals(raw[i], gif[i], 1e-4f);
    }
  }

  @Test
  void jpegDecodesCloseToTheOriginal() throws Exception {
    byte[] rgb = TestImages.rgb(W, H);
    float[] jpg = tensor(FrameInput.encoded(TestImages.encode(TestImages.toImage(rgb, W, H), "jpg"), BOXES, false));
    float[] raw = tensor(FrameInput.raw(rgb, PixelFormat.RGB24, W, H, 0, BOXES, false));
    double err = 0;
    for (int i = 0; i < raw.length; i++) {
      err += Math.abs(raw[i] - jpg[i]);
    }
    // mean error under 4 grey levels, in normalised units (1/255/std per level)
    assertEquals(0, err / raw.length, 4.0 / 255 / SPEC.std());
  }
}
