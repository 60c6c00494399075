package dev.fer.server.admin;

import dev.fer.server.config.ServerConfig;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Who may call the admin service, from the settings: a bearer token (admin-token, or the
 * environment variable named by admin-token-env), mutual TLS (admin-tls-cert, admin-tls-key and
 * admin-tls-client-ca together), or neither, and then only this machine (127.0.0.1).
 */
public final class AdminAccess {
  private final String token;
  private final String certFile;
  private final String keyFile;
  private final String clientCaFile;
  private final String host;
  private final int port;

  public AdminAccess(ServerConfig config) {
    this(config, System.getenv());
  }

  AdminAccess(ServerConfig config, java.util.Map<String, String> env) {
    String t = config.string("admin-token");
    String envName = config.string("admin-token-env");
    if (t.isEmpty() && !envName.isEmpty()) {
      t = env.getOrDefault(envName, "");
    }
    this.token = t.trim();
    this.certFile = config.string("admin-tls-cert");
    this.keyFile = config.string("admin-tls-key");
    this.clientCaFile = config.string("admin-tls-client-ca");
    int set = (certFile.isEmpty() ? 0 : 1) + (keyFile.isEmpty() ? 0 : 1) + (clientCaFile.isEmpty() ? 0 : 1);
    if (set != 0 && set != 3) {
      throw new IllegalArgumentException("mutual TLS for the admin service needs admin-tls-cert, admin-tls-key and "
          + "admin-tls-client-ca together; set all three, or none to use a token or loopback only");
    }
    String h = config.string("admin-host");
    this.host = h.isEmpty() ? (hasCredential() ? "0.0.0.0" : "127.0.0.1") : h;
    this.port = config.integer("admin-port");
    if (!hasCredential() && !isLoopback(this.host)) {
      throw new IllegalArgumentException("admin-host is " + this.host + " but no admin credential is configured; "
          + "set admin-token (or the " + (envName.isEmpty() ? "admin-token-env" : envName)
          + " environment variable) or mutual TLS, or leave admin-host empty to listen on 127.0.0.1 only");
    }
  }

  public boolean enabled() {
    return port >= 0;
  }

  public boolean hasToken() {
    return !token.isEmpty();
  }

  public boolean hasMutualTls() {
    return !certFile.isEmpty();
  }

  public boolean hasCredential() {
    return hasToken() || hasMutualTls();
  }

  public String host() {
    return host;
  }

  public String token() {
    return token;
  }

  /** Netty on admin-host:admin-port, with TLS that requires a client certificate when configured. */
  public NettyServerBuilder transport() throws IOException {
    NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress(host, port));
    if (hasMutualTls()) {
      b.sslContext(GrpcSslContexts.forServer(new File(certFile), new File(keyFile))
          .trustManager(new File(clientCaFile)).clientAuth(ClientAuth.REQUIRE).build());
    }
    return b;
  }

  private static boolean isLoopback(String host) {
    return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
  }
}
