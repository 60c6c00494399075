package dev.fer.spi;

/** Decode, find faces (unless the client gave them), crop, greyscale, resize, normalise. */
public interface Preprocessor {
  /**
   * @throws InvalidInputException when the frame cannot be used (empty, corrupt, wrong size,
   *     boxes outside the image, ...), with a message that says what is wrong
   */
  PreparedFaces prepare(FrameInput frame, FaceSpec spec) throws InvalidInputException;

  /**
   * Loads and runs whatever the first frame would otherwise wait for (the face detector), so the
   * server reports SERVING only when a frame can be answered at full speed. A missing detector is
   * not an error here: crop and known-box frames do not need it.
   */
  default void warmUp() {}

  /** For {@code GetPipeline}: the detector and its model. */
  String description();
}
