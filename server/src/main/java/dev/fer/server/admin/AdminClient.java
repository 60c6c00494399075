package dev.fer.server.admin;

import dev.fer.v1.AdminGrpc;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** A channel to a server's admin service, with its credential; what {@code fer admin} talks through. */
public final class AdminClient implements AutoCloseable {
  private final ManagedChannel channel;
  private final AdminGrpc.AdminBlockingStub stub;

  /**
   * @param token bearer token, or empty for none
   * @param tls client certificate, key and the CA of the server's certificate; null for plaintext
   */
  public AdminClient(String target, String token, Tls tls) throws IOException {
    NettyChannelBuilder b = NettyChannelBuilder.forTarget(target);
    if (tls == null) {
      b.usePlaintext();
    } else {
      SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(new File(tls.caFile()));
      if (tls.certFile() != null) {
        ssl.keyManager(new File(tls.certFile()), new File(tls.keyFile()));
      }
      b.sslContext(ssl.build());
    }
    this.channel = b.build();
    AdminGrpc.AdminBlockingStub s = AdminGrpc.newBlockingStub(channel);
    this.stub = token == null || token.isEmpty() ? s : s.withCallCredentials(bearer(token));
  }

  public record Tls(String caFile, String certFile, String keyFile) {}

  public AdminGrpc.AdminBlockingStub stub() {
    return stub;
  }

  /** Sends {@code authorization: Bearer <token>} on every call. */
  public static CallCredentials bearer(String token) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(BearerTokenInterceptor.AUTHORIZATION, "Bearer " + token);
        try {
          applier.apply(headers);
        } catch (RuntimeException e) {
          applier.fail(Status.UNAUTHENTICATED.withCause(e));
        }
      }
    };
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
