package dev.fer.spi;

import java.util.List;

/** Finds faces in a frame. An empty list is a normal answer, not an error. */
public interface FaceDetector extends AutoCloseable {
  /** For logs and {@code GetPipeline}: which detector and model this is. */
  String description();

  List<FaceBox> detect(RgbImage image) throws Exception;

  @Override
  default void close() {}
}
