package dev.fer.server.oip;

import dev.fer.server.core.RecognitionException;
import io.grpc.Status;
import java.util.concurrent.CompletionException;

/** Failures as the protocol reports them: a gRPC status with the reason as its message. */
final class OipErrors {
  private OipErrors() {}

  static Status status(Throwable error) {
    Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (e instanceof RecognitionException r) {
      Status.Code code = switch (r.kind()) {
        case INVALID_ARGUMENT -> Status.Code.INVALID_ARGUMENT;
        case NOT_FOUND -> Status.Code.NOT_FOUND;
        case RESOURCE_EXHAUSTED -> Status.Code.RESOURCE_EXHAUSTED;
        case UNAVAILABLE -> Status.Code.UNAVAILABLE;
        case CANCELLED -> Status.Code.CANCELLED;
        case INTERNAL -> Status.Code.INTERNAL;
      };
      return Status.fromCode(code).withDescription(r.getMessage());
    }
    return Status.INTERNAL.withDescription("internal error: " + e);
  }

  /** For ModelStreamInfer, where errors travel in the response: "INVALID_ARGUMENT: why". */
  static String message(Throwable error) {
    Status s = status(error);
    return s.getCode() + ": " + s.getDescription();
  }
}
