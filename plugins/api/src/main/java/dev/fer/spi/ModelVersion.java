package dev.fer.spi;

import java.nio.file.Path;

/** One version folder of a stage model in the repository: {@code <stage>/<version>/}. */
public record ModelVersion(String stageName, String version, Path directory, ModelCard card) {
  public Path modelFile() {
    return directory.resolve(card.modelFile());
  }

  @Override
  public String toString() {
    return stageName + "/" + version + " (" + directory + ")";
  }
}
