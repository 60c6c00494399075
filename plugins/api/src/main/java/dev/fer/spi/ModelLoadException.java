package dev.fer.spi;

/** A model could not be loaded or does not fit the pipeline; the message says why. */
public class ModelLoadException extends Exception {
  public ModelLoadException(String message) {
    super(message);
  }

  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
