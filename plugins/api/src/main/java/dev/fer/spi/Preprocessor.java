package dev.fer.spi;

/** Decode, find faces (unless the client gave them), crop, greyscale, resize, normalise. */
public interface Preprocessor {
  /**
   * @throws InvalidInputException when the frame cannot be used (empty, corrupt, wrong size,
   *     boxes outside the image, ...), with a message that says what is wrong
   */
  PreparedFaces prepare(FrameInput frame, FaceSpec spec) throws InvalidInputException;

  /** For {@code GetPipeline}: the detector and its model. */
  String description();
}
