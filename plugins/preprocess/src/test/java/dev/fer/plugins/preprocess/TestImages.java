package dev.fer.plugins.preprocess;

import dev.fer.spi.PreprocessConfig;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import javax.imageio.ImageIO;

/** Synthetic frames and the locations of optional test material. */
final class TestImages {
  private TestImages() {}

  /** Packed RGB with some structure (gradients and a bright square). */
  static byte[] rgb(int w, int h) {
    byte[] out = new byte[w * h * 3];
    for (int y = 0, o = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        boolean square = x > w / 3 && x < w / 2 && y > h / 4 && y < h / 2;
        out[o++] = (byte) (square ? 250 : (x * 255 / Math.max(1, w - 1)));
        out[o++] = (byte) (square ? 240 : (y * 255 / Math.max(1, h - 1)));
        out[o++] = (byte) ((x * 7 + y * 13) & 0xff);
      }
    }
    return out;
  }

  static byte[] gray(int w, int h) {
    byte[] out = new byte[w * h];
    for (int y = 0, o = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        out[o++] = (byte) ((x * 3 + y * 5) & 0xff);
      }
    }
    return out;
  }

  static BufferedImage toImage(byte[] rgb, int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    byte[] d = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < w * h; i++) {
      d[i * 3] = rgb[i * 3 + 2];
      d[i * 3 + 1] = rgb[i * 3 + 1];
      d[i * 3 + 2] = rgb[i * 3];
    }
    return img;
  }

  static BufferedImage grayImage(byte[] g, int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    byte[] d = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    System.arraycopy(g, 0, d, 0, w * h);
    return img;
  }

  static byte[] encode(BufferedImage img, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(img, format, out)) {
      throw new IOException("no writer for " + format);
    }
    return out.toByteArray();
  }

  static Path modelsDir() {
    String p = System.getProperty("fer.models");
    return p != null ? Paths.get(p) : Paths.get("../../models").toAbsolutePath().normalize();
  }

  static Path detectorDir() {
    return modelsDir().resolve("detector").resolve("1");
  }

  static Path samplesDir() {
    return modelsDir().resolveSibling("samples").resolve("faces");
  }

  static boolean detectorInstalled() {
    return Files.isRegularFile(detectorDir().resolve("card.json"));
  }

  static PreprocessConfig config(Path detector) {
    return PreprocessConfig.defaults(detector);
  }
}
