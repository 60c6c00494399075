package dev.fer.spi;

import java.nio.file.Path;

/**
 * Settings of the preprocessing stage.
 *
 * @param detectorDirectory folder of the face detector model (models/detector/<version>)
 * @param cropMargin extra border around a detected face, as a fraction of its size
 * @param minFaceScore detections below this confidence are dropped
 * @param maxImagePixels frames larger than this (width * height) are refused as absurd
 * @param maxFaces at most this many faces per frame, highest scores first
 */
public record PreprocessConfig(
    Path detectorDirectory, float cropMargin, float minFaceScore, long maxImagePixels, int maxFaces) {

  public static PreprocessConfig defaults(Path detectorDirectory) {
    return new PreprocessConfig(detectorDirectory, 0.15f, 0.6f, 40_000_000L, 16);
  }
}
