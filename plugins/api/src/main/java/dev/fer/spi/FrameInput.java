package dev.fer.spi;

import java.util.List;

/**
 * One frame as the client sent it, before decoding. Either {@code encoded} (JPEG, PNG, ...) or
 * raw pixels in {@code pixelFormat} with width, height and stride.
 */
public record FrameInput(
    byte[] encoded,
    byte[] raw,
    PixelFormat pixelFormat,
    int width,
    int height,
    int stride,
    List<FaceBox> knownFaces,
    boolean faceCrop) {

  public enum PixelFormat {
    GRAY8(1), RGB24(3), BGR24(3), RGBA32(4);

    public final int bytesPerPixel;

    PixelFormat(int bytesPerPixel) {
      this.bytesPerPixel = bytesPerPixel;
    }
  }

  public static FrameInput encoded(byte[] data, List<FaceBox> knownFaces, boolean faceCrop) {
    return new FrameInput(data, null, null, 0, 0, 0, knownFaces, faceCrop);
  }

  public static FrameInput raw(byte[] data, PixelFormat format, int width, int height, int stride,
      List<FaceBox> knownFaces, boolean faceCrop) {
    return new FrameInput(null, data, format, width, height, stride, knownFaces, faceCrop);
  }
}
