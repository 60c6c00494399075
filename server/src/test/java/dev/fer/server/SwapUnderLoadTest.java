package dev.fer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fer.client.FerClient;
import dev.fer.client.RecognizeSession;
import dev.fer.server.admin.AdminClient;
import dev.fer.v1.LoadVariantRequest;
import dev.fer.v1.RecognizeResponse;
import dev.fer.v1.SetActiveVariantRequest;
import dev.fer.v1.SetTrafficSplitRequest;
import dev.fer.v1.UnloadVariantRequest;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live swaps under continuous load: several streams and unary callers keep sending while the
 * active variant is switched 50 times, the split changed 10 times, and variants reloaded and
 * unloaded. Every frame must get a good answer, and each stream's answers must come in order.
 */
class SwapUnderLoadTest {
  static final int STREAMS = 6;
  static final int SWAPS = 50;
  static final int SPLIT_CHANGES = 10;

  @TempDir
  Path repo;

  @Test
  void fiftySwapsAndTenSplitChangesUnderLoadFailNoFrameAndKeepOrder() throws Exception {
    TinyModels.repository(repo);
    try (FerServer server = TestSupport.startNetty(TinyModels.config(repo).set("workers", "4"))) {
      swapUnderLoad(server, TinyModels.face(1), new String[] {"alpha", "beta", "gamma"});
    }
  }

  @Test
  void theSameOnTheTrainedModels() throws Exception {
    byte[] face = Files.readAllBytes(TestSupport.fer2013Faces(1).get(0));
    try (FerServer server = TestSupport.startNetty(TestSupport.config().set("workers", "4"))) {
      swapUnderLoad(server, face, new String[] {"autoencoder", "vae", "gan"});
    }
  }

  /** Reloads are copies of the served versions in the test's own folder, never in the repository. */
  void swapUnderLoad(FerServer server, byte[] face, String[] names) throws Exception {
    try (FerClient client = FerClient.connect("127.0.0.1:" + server.port());
        AdminClient admin = new AdminClient("127.0.0.1:" + server.adminPort(), "", null)) {
      var registry = server.engine().catalog().get("").variants();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong sent = new AtomicLong();
      AtomicLong answered = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      AtomicLong outOfOrder = new AtomicLong();
      List<String> failures = new CopyOnWriteArrayList<>();
      Set<String> variantsSeen = ConcurrentHashMap.newKeySet();
      ExecutorService pool = Executors.newCachedThreadPool();
      List<Future<?>> work = new ArrayList<>();
      for (int s = 0; s < STREAMS; s++) {
        RecognizeSession session = client.stream(8);
        AtomicLong streamSent = new AtomicLong();
        work.add(pool.submit(() -> {
          for (long id = 0; !stop.get(); id++) {
            session.send(FerClient.request(face).setFaceCrop(true).setFrameId(id).build());
            streamSent.incrementAndGet();
            sent.incrementAndGet();
          }
          session.finish();
          return null;
        }));
        work.add(pool.submit(() -> {
          long expected = 0;
          long got = 0;
          for (RecognizeResponse r; (r = session.next(60, TimeUnit.SECONDS)) != null; ) {
            got++;
            answered.incrementAndGet();
            if (r.hasError()) {
              failed.incrementAndGet();
              failures.add("stream frame " + r.getFrameId() + ": " + r.getError().getMessage());
            } else {
              variantsSeen.add(r.getVariant());
            }
            if (r.getFrameId() != expected) {
              outOfOrder.incrementAndGet();
            }
            expected = r.getFrameId() + 1;
          }
          session.close();
          // Every frame sent on this stream was answered.
          assertEquals(streamSent.get(), got, "answers on one stream");
          return null;
        }));
      }
      work.add(pool.submit(() -> {
        while (!stop.get()) {
          sent.incrementAndGet();
          try {
            RecognizeResponse r = client.recognize(FerClient.request(face).setFaceCrop(true).build());
            answered.incrementAndGet();
            variantsSeen.add(r.getVariant());
          } catch (StatusRuntimeException e) {
            answered.incrementAndGet();
            failed.incrementAndGet();
            failures.add("unary: " + e.getStatus());
          }
        }
        return null;
      }));

      waitFor(() -> answered.get() > 100);
      int splits = 0;
      int reloads = 0;
      for (int i = 0; i < SWAPS; i++) {
        admin.stub().setActiveVariant(SetActiveVariantRequest.newBuilder().setVariant(names[i % 3]).build());
        Thread.sleep(15);
        if (i % 5 == 4) {
          admin.stub().setTrafficSplit(SetTrafficSplitRequest.newBuilder()
              .putAllWeights(Map.of(names[i % 3], 70.0, names[(i + 1) % 3], 30.0)).build());
          splits++;
          Thread.sleep(15);
        }
        if (i % 16 == 8) {
          // A new version of the variant that takes traffic right now: it replaces the old one, which drains.
          Path old = registry.get(names[i % 3]).model().directory();
          Path v = repo.resolve("reload-" + i).resolve(old.getParent().getFileName()).resolve(String.valueOf(10 + i));
          Files.createDirectories(v);
          Files.copy(old.resolve("card.json"), v.resolve("card.json"));
          Files.copy(old.resolve("model.onnx"), v.resolve("model.onnx"));
          admin.stub().loadVariant(LoadVariantRequest.newBuilder().setPath(v.toString()).build());
          reloads++;
        }
      }
      // Unload one variant that no longer takes traffic while the load goes on.
      admin.stub().setActiveVariant(SetActiveVariantRequest.newBuilder().setVariant(names[0]).build());
      admin.stub().unloadVariant(UnloadVariantRequest.newBuilder().setVariant(names[2]).build());
      Thread.sleep(100);
      stop.set(true);
      for (Future<?> f : work) {
        f.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();

      assertEquals(SPLIT_CHANGES, splits);
      assertEquals(3, reloads);
      assertEquals(0, failed.get(), () -> "failed frames: " + failures.subList(0, Math.min(5, failures.size())));
      assertEquals(0, outOfOrder.get(), "out-of-order responses");
      assertEquals(sent.get(), answered.get(), "every frame answered");
      assertTrue(variantsSeen.containsAll(Set.of(names)), "the swaps took effect: " + variantsSeen);
      System.out.printf("swap test: %d frames over %d streams + unary, %d swaps, %d split changes, %d reloads, "
          + "0 failed, 0 out of order%n", answered.get(), STREAMS, SWAPS, splits, reloads);
    }
  }

  static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting");
      }
      Thread.sleep(10);
    }
  }
}
