package dev.fer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fer.server.admin.AdminClient;
import dev.fer.v1.ListVariantsRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS instead of a token: only clients with a certificate from the configured CA get in. */
class AdminMutualTlsTest {
  @TempDir
  static Path dir;
  static FerServer server;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(openssl("version"), "skipped: no openssl to make test certificates");
    Path c = dir.resolve("certs");
    Files.createDirectories(c);
    Files.writeString(c.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    String d = c.toString() + "/";
    assumeTrue(openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "ca.key", "-out", d + "ca.pem",
        "-days", "1", "-subj", "/CN=fer-test-ca"));
    for (String who : List.of("server", "client")) {
      assumeTrue(openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", d + who + ".key", "-out", d + who + ".csr",
          "-subj", "/CN=" + who));
      assumeTrue(openssl("x509", "-req", "-in", d + who + ".csr", "-CA", d + "ca.pem", "-CAkey", d + "ca.key",
          "-CAcreateserial", "-out", d + who + ".pem", "-days", "1", "-extfile", d + "san.ext"));
    }
    TinyModels.repository(dir);
    server = TestSupport.startNetty(TinyModels.config(dir).set("admin-host", "127.0.0.1")
        .set("admin-tls-cert", d + "server.pem").set("admin-tls-key", d + "server.key")
        .set("admin-tls-client-ca", d + "ca.pem"));
  }

  static boolean openssl(String... args) throws Exception {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "openssl";
    System.arraycopy(args, 0, cmd, 1, args.length);
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  String target() {
    return "127.0.0.1:" + server.adminPort();
  }

  String cert(String name) {
    return dir.resolve("certs").resolve(name).toString();
  }

  @Test
  void aClientCertificateFromTheConfiguredCaIsLetIn() throws Exception {
    try (AdminClient admin = new AdminClient(target(), "",
        new AdminClient.Tls(cert("ca.pem"), cert("client.pem"), cert("client.key")))) {
      assertEquals("tiny", admin.stub().listVariants(ListVariantsRequest.getDefaultInstance()).getPipeline());
    }
  }

  @Test
  void withoutAClientCertificateTheCallIsRefused() throws Exception {
    try (AdminClient admin = new AdminClient(target(), "", new AdminClient.Tls(cert("ca.pem"), null, null))) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> admin.stub().listVariants(ListVariantsRequest.getDefaultInstance()));
      assertNotEquals(Status.Code.OK, e.getStatus().getCode());
    }
    try (AdminClient plain = new AdminClient(target(), "", null)) {
      assertThrows(StatusRuntimeException.class, () -> plain.stub().listVariants(ListVariantsRequest.getDefaultInstance()));
    }
  }
}
