package dev.fer.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fer.client.FerClient;
import dev.fer.server.FerServer;
import dev.fer.server.TestSupport;
import dev.fer.server.TinyModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code fer admin ...} against a real server, as an operator types it. */
class AdminCliTest {
  static final String TOKEN = "cli-token";
  @TempDir
  static Path repo;
  static FerServer server;

  @BeforeAll
  static void start() throws Exception {
    TinyModels.repository(repo);
    server = TestSupport.startNetty(TinyModels.config(repo).set("admin-token", TOKEN).set("admin-host", "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  record Run(int code, String out, String err) {}

  static synchronized Run fer(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true));
      System.setErr(new PrintStream(e, true));
      String[] all = new String[args.length + 5];
      all[0] = "admin";
      all[1] = "--target";
      all[2] = "127.0.0.1:" + server.adminPort();
      all[3] = "--token";
      all[4] = TOKEN;
      System.arraycopy(args, 0, all, 5, args.length);
      CommandLine cli = new CommandLine(new FerCli());
      cli.setErr(new java.io.PrintWriter(System.err, true));
      int code = cli.execute(all);
      return new Run(code, o.toString(), e.toString());
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void listActivateSplitShadowAndStats() throws Exception {
    Run list = fer("list");
    assertEquals(0, list.code(), list.err());
    assertTrue(list.out().contains("active alpha") && list.out().contains("gamma") && list.out().contains("ready"),
        list.out());

    Run activate = fer("activate", "beta");
    assertEquals(0, activate.code(), activate.err());
    assertTrue(activate.out().contains("active beta"), activate.out());

    Run split = fer("split", "alpha=70", "beta=30");
    assertTrue(split.out().contains("split alpha=70 beta=30"), split.out());
    Run shadow = fer("shadow", "gamma");
    assertTrue(shadow.out().contains("shadow gamma"), shadow.out());

    try (FerClient client = FerClient.connect("127.0.0.1:" + server.port())) {
      byte[] face = TinyModels.face(1);
      for (int i = 0; i < 20; i++) {
        client.recognize(FerClient.request(face).setFaceCrop(true).setRoutingKey("cam" + i).setGroundTruth("happy").build());
      }
    }
    Thread.sleep(300);
    Run stats = fer("stats");
    assertEquals(0, stats.code(), stats.err());
    assertTrue(stats.out().contains("frames_served") && stats.out().contains("generator p50_ms")
        && stats.out().contains("accuracy") && stats.out().contains("shadow gamma vs primary"), stats.out());
    System.out.println("fer admin stats:\n" + stats.out());
    Run raw = fer("stats", "--raw", "gamma");
    assertTrue(raw.out().contains("frames_shadowed:"), raw.out());

    assertEquals(0, fer("shadow").code());
    assertEquals(0, fer("split").code());
    assertTrue(fer("activate", "alpha").out().contains("active alpha"));
  }

  @Test
  void refusalsPrintTheServersReasonAndExitTwo() {
    Run missing = fer("load", "generator-nothing/1");
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("NOT_FOUND") && missing.err().contains("no folder"), missing.err());
    Run busy = fer("unload", "alpha");
    assertEquals(2, busy.code());
    assertTrue(busy.err().contains("FAILED_PRECONDITION"), busy.err());
  }

  @Test
  void aWrongTokenIsRefused() {
    CommandLine cli = new CommandLine(new FerCli());
    PrintStream err = System.err;
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(e, true));
      int code = cli.execute("admin", "--target", "127.0.0.1:" + server.adminPort(), "--token", "nope", "list");
      assertEquals(2, code);
    } finally {
      System.setErr(err);
    }
    assertTrue(e.toString().contains("UNAUTHENTICATED"), e.toString());
  }
}
