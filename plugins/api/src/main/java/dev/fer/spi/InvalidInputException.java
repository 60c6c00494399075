package dev.fer.spi;

/** The client sent something the server cannot use; maps to INVALID_ARGUMENT. */
public class InvalidInputException extends Exception {
  public InvalidInputException(String message) {
    super(message);
  }
}
