package dev.fer.spi;

/** What the models take: a greyscale crop of this size, normalised (pixel/255 - mean) / std. */
public record FaceSpec(int height, int width, float mean, float std) {
  public static FaceSpec of(ModelCard card) {
    return new FaceSpec(card.inputHeight(), card.inputWidth(),
        (float) card.normalization().mean(), (float) card.normalization().std());
  }

  public int pixels() {
    return height * width;
  }
}
