package dev.fer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fer.client.FerClient;
import dev.fer.v1.DropPolicy;
import dev.fer.v1.RecognitionGrpc;
import dev.fer.v1.RecognizeRequest;
import dev.fer.v1.RecognizeResponse;
import dev.fer.v1.StreamOptions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Live video when the server falls behind: LATEST drops stale frames and says which; overload is refused. */
class FlowControlTest {
  /** Frames that take real work: full photos through the face detector when present. */
  static byte[] slowFrame() throws Exception {
    Path photo = TestSupport.models().getParent().resolve("samples/faces/astronaut.png");
    return Files.exists(photo) ? Files.readAllBytes(photo) : Files.readAllBytes(TestSupport.fer2013Faces(1).get(0));
  }

  @Test
  void latestPolicyDropsStaleFramesReportsEachOneAndKeepsOrder() throws Exception {
    byte[] frame = slowFrame();
    boolean crop = !new String(frame, 1, 3).equals("PNG");
    int sent = 120;
    try (FerServer server = TestSupport.startNetty(TestSupport.config().set("workers", "1").set("stream-window", "2"));
        FerClient client = FerClient.connect("127.0.0.1:" + server.port())) {
      List<RecognizeResponse> responses = Collections.synchronizedList(new ArrayList<>());
      CompletableFuture<Void> done = new CompletableFuture<>();
      StreamObserver<RecognizeRequest> requests = RecognitionGrpc.newStub(client.channel()).recognize(new StreamObserver<>() {
        @Override
        public void onNext(RecognizeResponse value) {
          responses.add(value);
        }

        @Override
        public void onError(Throwable t) {
          done.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
          done.complete(null);
        }
      });
      for (int i = 0; i < sent; i++) {
        RecognizeRequest.Builder b = FerClient.request(frame).setFrameId(i).setFaceCrop(crop);
        if (i == 0) {
          b.setStreamOptions(StreamOptions.newBuilder().setDropPolicy(DropPolicy.LATEST));
        }
        requests.onNext(b.build());
      }
      requests.onCompleted();
      done.get(120, TimeUnit.SECONDS);

      List<Long> answered = new ArrayList<>();
      List<Long> dropped = new ArrayList<>();
      for (RecognizeResponse r : responses) {
        answered.add(r.getFrameId());
        dropped.addAll(r.getDroppedFrameIdsList());
        assertTrue(!r.hasError(), () -> "no frame fails under LATEST: " + r.getError());
      }
      for (int i = 1; i < answered.size(); i++) {
        assertTrue(answered.get(i) > answered.get(i - 1), "responses in frame order: " + answered);
      }
      assertEquals(sent, answered.size() + dropped.size(), "every frame is answered or reported dropped");
      List<Long> all = new ArrayList<>(answered);
      all.addAll(dropped);
      assertEquals(sent, all.stream().distinct().count(), "no frame is both answered and dropped");
      assertEquals(sent - 1, answered.get(answered.size() - 1), "the newest frame is never dropped");
      assertTrue(dropped.size() > 0, "a 1-worker server falls behind a client sending as fast as it can");
    }
  }

  @Test
  void overloadBeyondTheQueueIsRefusedWithResourceExhaustedNeverAHang() throws Exception {
    byte[] frame = slowFrame();
    boolean crop = !new String(frame, 1, 3).equals("PNG");
    try (FerServer server = TestSupport.startNetty(TestSupport.config().set("workers", "1").set("queue-capacity", "2"));
        FerClient client = FerClient.connect("127.0.0.1:" + server.port())) {
      ExecutorService pool = Executors.newFixedThreadPool(24);
      AtomicInteger ok = new AtomicInteger();
      AtomicInteger exhausted = new AtomicInteger();
      List<Future<?>> calls = new ArrayList<>();
      CountDownLatch go = new CountDownLatch(1);
      for (int i = 0; i < 48; i++) {
        calls.add(pool.submit(() -> {
          go.await();
          try {
            client.recognize(FerClient.request(frame).setFaceCrop(crop).build());
            ok.incrementAndGet();
          } catch (StatusRuntimeException e) {
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e.getStatus().toString());
            assertTrue(e.getStatus().getDescription().contains("overloaded"));
            exhausted.incrementAndGet();
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : calls) {
        f.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertEquals(48, ok.get() + exhausted.get());
      assertTrue(ok.get() > 0);
      assertTrue(exhausted.get() > 0, "48 concurrent calls into a queue of 2 must be refused in part");
    }
  }
}
