package dev.fer.server.core;

/** A frame failed for a reason the client should see; {@code code} is a gRPC status code name. */
public final class RecognitionException extends Exception {
  public enum Kind { INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, RESOURCE_EXHAUSTED, UNAVAILABLE, CANCELLED, INTERNAL }

  private final Kind kind;

  public RecognitionException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public RecognitionException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
