package dev.fer.server.oip;

/** Tensor names of the whole-pipeline model ({@code fer}, {@code <pipeline>}). */
final class PipelineTensors {
  /** FP32 [N,1,H,W]: faces normalised as the card says. */
  static final String FACE = "face";
  /** BYTES [N,1] (or [N]): encoded face-crop images (JPEG, PNG, ...), preprocessed like fer.v1. */
  static final String IMAGE = "image";
  /** FP32 [N,C]: softmax probabilities in the card's class order (the same as fer.v1's scores). */
  static final String SCORES = "scores";
  /** FP32 [N,1,H,W]: the generated neutral reference face, in the normalised space. */
  static final String REFERENCE = "reference";

  private PipelineTensors() {}
}
