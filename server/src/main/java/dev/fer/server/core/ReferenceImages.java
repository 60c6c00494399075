package dev.fer.server.core;

import dev.fer.spi.FaceSpec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Turns a generated reference face back into a greyscale PNG a person can look at. */
final class ReferenceImages {
  private ReferenceImages() {}

  static byte[] png(float[] references, int index, FaceSpec spec) {
    int h = spec.height();
    int w = spec.width();
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    byte[] pixels = ((java.awt.image.DataBufferByte) img.getRaster().getDataBuffer()).getData();
    int offset = index * spec.pixels();
    for (int i = 0; i < spec.pixels(); i++) {
      float v = (references[offset + i] * spec.std() + spec.mean()) * 255f;
      pixels[i] = (byte) Math.max(0, Math.min(255, Math.round(v)));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
