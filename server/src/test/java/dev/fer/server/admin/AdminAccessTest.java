package dev.fer.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fer.server.config.ServerConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdminAccessTest {
  @Test
  void withoutACredentialTheAdminServiceListensOnLoopbackOnly() {
    AdminAccess a = new AdminAccess(new ServerConfig(), Map.of());
    assertFalse(a.hasCredential());
    assertEquals("127.0.0.1", a.host());
  }

  @Test
  void aTokenFromConfigOrEnvironmentOpensAllInterfaces() {
    assertEquals("0.0.0.0", new AdminAccess(new ServerConfig().set("admin-token", "t"), Map.of()).host());
    AdminAccess fromEnv = new AdminAccess(new ServerConfig(), Map.of("FER_ADMIN_TOKEN", "from-env"));
    assertEquals("from-env", fromEnv.token());
    assertEquals("0.0.0.0", fromEnv.host());
    AdminAccess otherVar = new AdminAccess(new ServerConfig().set("admin-token-env", "MY_TOKEN"),
        Map.of("MY_TOKEN", "mine", "FER_ADMIN_TOKEN", "not-this"));
    assertEquals("mine", otherVar.token());
  }

  @Test
  void aPublicAddressWithoutCredentialIsRefusedWithWhatToDo() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new AdminAccess(new ServerConfig().set("admin-host", "0.0.0.0"), Map.of()));
    assertTrue(e.getMessage().contains("set admin-token"), e.getMessage());
  }

  @Test
  void mutualTlsNeedsAllThreeFiles() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new AdminAccess(new ServerConfig().set("admin-tls-cert", "server.pem"), Map.of()));
    assertTrue(e.getMessage().contains("together"), e.getMessage());
    AdminAccess tls = new AdminAccess(new ServerConfig().set("admin-tls-cert", "s.pem").set("admin-tls-key", "s.key")
        .set("admin-tls-client-ca", "ca.pem"), Map.of());
    assertTrue(tls.hasMutualTls());
    assertEquals("0.0.0.0", tls.host());
  }

  @Test
  void adminPortMinusOneTurnsTheServiceOff() {
    assertFalse(new AdminAccess(new ServerConfig().set("admin-port", "-1"), Map.of()).enabled());
  }
}
