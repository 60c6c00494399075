package dev.fer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fer.client.FerClient;
import dev.fer.server.admin.AdminClient;
import dev.fer.v1.ListVariantsRequest;
import dev.fer.v1.SetActiveVariantRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin service needs its bearer token; recognition stays open unless it has one too. */
class AdminAuthTest {
  static final String TOKEN = "s3cret-admin-token";
  @TempDir
  static Path repo;
  static FerServer server;

  @BeforeAll
  static void start() throws Exception {
    TinyModels.repository(repo);
    // admin-host stays loopback for the test; with a token it would default to all interfaces.
    server = TestSupport.startNetty(TinyModels.config(repo).set("admin-token", TOKEN).set("admin-host", "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  StatusRuntimeException refused(String token) throws Exception {
    try (AdminClient admin = new AdminClient("127.0.0.1:" + server.adminPort(), token, null)) {
      return assertThrows(StatusRuntimeException.class,
          () -> admin.stub().setActiveVariant(SetActiveVariantRequest.newBuilder().setVariant("beta").build()));
    }
  }

  @Test
  void withoutTheTokenAdminCallsAreUnauthenticated() throws Exception {
    StatusRuntimeException e = refused("");
    assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("Bearer"), e.getStatus().getDescription());
    assertEquals("alpha", server.engine().catalog().get("").variants().split().active(), "nothing changed");
  }

  @Test
  void aWrongTokenIsUnauthenticated() throws Exception {
    for (String wrong : new String[] {"s3cret-admin-tokem", "s3cret", TOKEN + "x"}) {
      StatusRuntimeException e = refused(wrong);
      assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
      assertTrue(e.getStatus().getDescription().contains("wrong"), e.getStatus().getDescription());
    }
    assertEquals("alpha", server.engine().catalog().get("").variants().split().active(), "nothing changed");
  }

  @Test
  void theRightTokenIsLetIn() throws Exception {
    try (AdminClient admin = new AdminClient("127.0.0.1:" + server.adminPort(), TOKEN, null)) {
      assertEquals("tiny", admin.stub().listVariants(ListVariantsRequest.getDefaultInstance()).getPipeline());
    }
  }

  @Test
  void recognitionStaysOpenWithoutItsOwnToken() throws Exception {
    try (FerClient client = FerClient.connect("127.0.0.1:" + server.port())) {
      byte[] face = TinyModels.face(1);
      assertEquals(1, client.recognize(FerClient.request(face).setFaceCrop(true).build()).getFacesCount());
    }
  }
}
