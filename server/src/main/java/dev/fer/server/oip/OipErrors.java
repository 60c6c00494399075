package dev.fer.server.oip;

import dev.fer.server.grpc.GrpcStatuses;
import io.grpc.Status;

/** Failures as the protocol reports them: a gRPC status with the reason as its message. */
final class OipErrors {
  private OipErrors() {}

  /** For ModelStreamInfer, where errors travel in the response: "INVALID_ARGUMENT: why". */
  static String message(Throwable error) {
    Status s = GrpcStatuses.status(error);
    return s.getCode() + ": " + s.getDescription();
  }
}
