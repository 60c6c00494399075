package dev.fer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fer.client.FerClient;
import dev.fer.client.RecognizeSession;
import dev.fer.v1.RecognizeRequest;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A client that cancels or vanishes mid-stream leaves nothing behind on the server. */
class CancellationTest {
  static FerServer server;
  static byte[] face;

  @BeforeAll
  static void start() throws Exception {
    server = TestSupport.startNetty(TestSupport.config());
    face = Files.readAllBytes(TestSupport.fer2013Faces(1).get(0));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static void awaitZero(IntSupplier value, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (value.getAsInt() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, value.getAsInt(), what);
  }

  @Test
  void cancelledStreamsAreReleased() throws Exception {
    RecognizeRequest frame = FerClient.request(face).setFaceCrop(true).build();
    try (FerClient client = FerClient.connect("127.0.0.1:" + server.port())) {
      for (int s = 0; s < 4; s++) {
        RecognizeSession session = client.stream(8);
        for (int i = 0; i < 8; i++) {
          session.send(frame.toBuilder().setFrameId(i).build());
        }
        session.cancel();
      }
      awaitZero(() -> server.recognition().openStreams(), "open streams after cancel");
      awaitZero(() -> server.engine().queued(), "queued frames after cancel");
      // The server still answers new streams normally.
      try (RecognizeSession session = client.stream(2)) {
        session.send(frame);
        session.finish();
        assertEquals(1, session.next(30, TimeUnit.SECONDS).getFacesCount());
      }
    }
  }

  @Test
  void disconnectedClientsAreReleased() throws Exception {
    RecognizeRequest frame = FerClient.request(face).setFaceCrop(true).build();
    FerClient client = FerClient.connect("127.0.0.1:" + server.port());
    for (int s = 0; s < 3; s++) {
      RecognizeSession session = client.stream(8);
      for (int i = 0; i < 8; i++) {
        session.send(frame.toBuilder().setFrameId(i).build());
      }
    }
    assertTrue(server.recognition().openStreams() >= 0);
    client.channel().shutdownNow();
    awaitZero(() -> server.recognition().openStreams(), "open streams after the client vanished");
  }
}
