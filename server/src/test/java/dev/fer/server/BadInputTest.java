package dev.fer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.fer.client.FerClient;
import dev.fer.client.RecognizeSession;
import dev.fer.v1.Box;
import dev.fer.v1.Image;
import dev.fer.v1.PixelFormat;
import dev.fer.v1.RawImage;
import dev.fer.v1.RecognizeRequest;
import dev.fer.v1.RecognizeResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad frames get a clear per-frame error and the stream goes on. */
class BadInputTest {
  static FerServer server;
  static FerClient client;
  static byte[] face;

  @BeforeAll
  static void start() throws Exception {
    server = TestSupport.startNetty(TestSupport.config()
        .set("max-image-pixels", "1000000")
        .set("max-message-bytes", String.valueOf(2 * 1024 * 1024)));
    client = FerClient.connect("127.0.0.1:" + server.port());
    face = Files.readAllBytes(TestSupport.fer2013Faces(1).get(0));
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  static RecognizeRequest raw(PixelFormat format, int formatValue, int w, int h, int stride, int bytes) {
    RawImage.Builder raw = RawImage.newBuilder().setData(ByteString.copyFrom(new byte[bytes]))
        .setWidth(w).setHeight(h).setStride(stride);
    if (format != null) {
      raw.setFormat(format);
    } else {
      raw.setFormatValue(formatValue);
    }
    return RecognizeRequest.newBuilder().setImage(Image.newBuilder().setRaw(raw)).build();
  }

  @Test
  void eachBadFrameGetsInvalidArgumentWithAReasonAndTheStreamGoesOn() throws Exception {
    List<RecognizeRequest> frames = new ArrayList<>();
    List<String> expectInMessage = new ArrayList<>();
    frames.add(FerClient.request(face).setFaceCrop(true).build());
    expectInMessage.add(null);
    frames.add(RecognizeRequest.newBuilder().build());
    expectInMessage.add("no image");
    frames.add(FerClient.request(new byte[0]).build());
    expectInMessage.add("empty");
    frames.add(FerClient.request("this is not an image at all".getBytes()).build());
    expectInMessage.add("decode");
    frames.add(raw(null, 42, 4, 4, 0, 16));
    expectInMessage.add("pixel format");
    frames.add(raw(PixelFormat.RGB24, 0, 10, 10, 0, 100));
    expectInMessage.add("300");
    frames.add(raw(PixelFormat.GRAY8, 0, 2000, 1000, 0, 2_000_000 / 2));
    expectInMessage.add("");
    frames.add(FerClient.request(face).addFaces(Box.newBuilder().setX(40).setY(40).setWidth(30).setHeight(30)).build());
    expectInMessage.add("outside");
    frames.add(FerClient.request(face).setFaceCrop(true).build());
    expectInMessage.add(null);

    List<RecognizeResponse> responses = new ArrayList<>();
    try (RecognizeSession session = client.stream(4)) {
      for (int i = 0; i < frames.size(); i++) {
        session.send(frames.get(i).toBuilder().setFrameId(i).build());
      }
      session.finish();
      for (RecognizeResponse r; (r = session.next(30, TimeUnit.SECONDS)) != null; ) {
        responses.add(r);
      }
    }
    assertEquals(frames.size(), responses.size(), "one response per frame, bad ones included");
    for (int i = 0; i < frames.size(); i++) {
      RecognizeResponse r = responses.get(i);
      assertEquals(i, r.getFrameId());
      String expected = expectInMessage.get(i);
      if (expected == null) {
        assertFalse(r.hasError(), "good frame " + i + " after bad ones: " + r.getError());
        assertEquals(1, r.getFacesCount());
      } else {
        assertEquals(Status.Code.INVALID_ARGUMENT.value(), r.getError().getCode(), "frame " + i + ": " + r.getError());
        assertFalse(r.getError().getMessage().isEmpty());
        assertTrue(r.getError().getMessage().toLowerCase().contains(expected),
            "frame " + i + " message should mention '" + expected + "': " + r.getError().getMessage());
      }
    }
  }

  @Test
  void absurdImageSizeIsRefusedWithTheLimit() {
    RecognizeRequest huge = raw(PixelFormat.GRAY8, 0, 1500, 1000, 0, 1_500_000);
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> client.recognize(huge));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("1000000"), e.getStatus().getDescription());
  }

  @Test
  void unknownPipelineOrVariantIsNotFound() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> client.recognize(FerClient.request(face).setFaceCrop(true).setPipeline("nope").build()));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    e = assertThrows(StatusRuntimeException.class,
        () -> client.recognize(FerClient.request(face).setFaceCrop(true).setVariant("nope").build()));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("ready variants"));
  }

  @Test
  void messagesOverTheSizeLimitAreResourceExhaustedAndTheServerKeepsServing() {
    RecognizeRequest big = FerClient.request(new byte[3 * 1024 * 1024]).build();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> client.recognize(big));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
    assertEquals(1, client.recognize(FerClient.request(face).setFaceCrop(true).build()).getFacesCount());
  }
}
