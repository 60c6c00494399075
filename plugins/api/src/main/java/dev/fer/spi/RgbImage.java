package dev.fer.spi;

/** A decoded frame: packed RGB24, row-major, no padding. */
public record RgbImage(int width, int height, byte[] rgb) {
  public RgbImage {
    if ((long) width * height * 3 != rgb.length) {
      throw new IllegalArgumentException("rgb length " + rgb.length + " != " + width + "x" + height + "x3");
    }
  }
}
