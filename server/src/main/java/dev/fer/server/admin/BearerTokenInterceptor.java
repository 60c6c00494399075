package dev.fer.server.admin;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Lets a call through only with {@code authorization: Bearer <token>}. The comparison takes the
 * same time however much of the token is right, so the token cannot be guessed byte by byte.
 */
public final class BearerTokenInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String PREFIX = "Bearer ";

  private final byte[] expected;
  private final String service;

  /** @param service named in the refusal, so the client knows which credential is missing */
  public BearerTokenInterceptor(String token, String service) {
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException("an empty bearer token would let anyone in");
    }
    this.expected = token.getBytes(StandardCharsets.UTF_8);
    this.service = service;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String header = headers.get(AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return refuse(call, "the " + service + " needs a credential: send the header 'authorization: Bearer <token>' "
          + "(bin/fer admin: --token or the FER_ADMIN_TOKEN environment variable)");
    }
    byte[] given = header.substring(PREFIX.length()).trim().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(expected, given)) {
      return refuse(call, "the bearer token for the " + service + " is wrong; use the token the server was "
          + "configured with");
    }
    return next.startCall(call, headers);
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String why) {
    call.close(Status.UNAUTHENTICATED.withDescription(why), new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
