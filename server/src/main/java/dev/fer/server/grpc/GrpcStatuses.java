package dev.fer.server.grpc;

import dev.fer.server.core.RecognitionException;
import io.grpc.Status;
import java.util.concurrent.CompletionException;

/** How a failed frame is reported over gRPC, for every service (fer.v1, OIP, admin). */
public final class GrpcStatuses {
  private GrpcStatuses() {}

  public static Status status(Throwable error) {
    Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (e instanceof RecognitionException r) {
      Status.Code code = switch (r.kind()) {
        case INVALID_ARGUMENT -> Status.Code.INVALID_ARGUMENT;
        case NOT_FOUND -> Status.Code.NOT_FOUND;
        case FAILED_PRECONDITION -> Status.Code.FAILED_PRECONDITION;
        case RESOURCE_EXHAUSTED -> Status.Code.RESOURCE_EXHAUSTED;
        case UNAVAILABLE -> Status.Code.UNAVAILABLE;
        case CANCELLED -> Status.Code.CANCELLED;
        case INTERNAL -> Status.Code.INTERNAL;
      };
      return Status.fromCode(code).withDescription(r.getMessage());
    }
    return Status.INTERNAL.withDescription("internal error: " + e);
  }
}
