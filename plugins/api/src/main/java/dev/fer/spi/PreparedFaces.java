package dev.fer.spi;

import java.util.List;

/**
 * Faces of one frame ready for the models: {@code tensor} holds boxes.size() crops of
 * spec.pixels() floats each, normalised, in box order.
 */
public record PreparedFaces(int imageWidth, int imageHeight, List<FaceBox> boxes, float[] tensor) {
  public int count() {
    return boxes.size();
  }
}
