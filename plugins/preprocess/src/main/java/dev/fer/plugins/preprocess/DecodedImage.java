package dev.fer.plugins.preprocess;

import dev.fer.spi.RgbImage;

/**
 * A decoded frame, packed row-major without padding: {@code channels} is 1 (grey) or 3 (R, G, B).
 * The pixel array may be the client's own buffer (raw packed frames are not copied): never write
 * to it.
 */
public record DecodedImage(int width, int height, int channels, byte[] pixels) {
  public DecodedImage {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, not " + channels);
    }
    if ((long) width * height * channels > pixels.length) {
      throw new IllegalArgumentException("pixel array too short for " + width + "x" + height + "x" + channels);
    }
  }

  public static DecodedImage of(RgbImage image) {
    return new DecodedImage(image.width(), image.height(), 3, image.rgb());
  }

  /** Packed RGB24 for detectors; shares the array when this image is already RGB and exact. */
  public RgbImage toRgb() {
    int n = width * height;
    if (channels == 3 && pixels.length == n * 3) {
      return new RgbImage(width, height, pixels);
    }
    byte[] rgb = new byte[n * 3];
    if (channels == 3) {
      System.arraycopy(pixels, 0, rgb, 0, n * 3);
    } else {
      for (int i = 0, j = 0; i < n; i++, j += 3) {
        byte v = pixels[i];
        rgb[j] = v;
        rgb[j + 1] = v;
        rgb[j + 2] = v;
      }
    }
    return new RgbImage(width, height, rgb);
  }
}
