package dev.fer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fer.client.FerClient;
import dev.fer.v1.RecognizeRequest;
import dev.fer.v1.RecognizeResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Frames batched together get exactly the answers they get alone, each its own. */
class BatchingTest {
  /**
   * With as many workers as chain slots (the default), a worker that has preprocessed a frame
   * while more frames wait must not run it alone: it preprocesses the waiting frames first, so
   * the chain runs full batches. Every frame is still answered, in its stream's order.
   */
  @Test
  void framesWaitingForPreprocessingAreBatchedAndNoneIsStranded() throws Exception {
    double mean = meanBatchUnderLoad(TestSupport.config().set("workers", "2").set("batch-threads", "2")
        .set("max-batch", "16"));
    assertTrue(mean >= 2, "12 streams on 2 workers run the chain in batches, mean " + mean);
  }

  /** max-batch-hold-us=0: nothing is held back, so every prepared frame runs at once, alone. */
  @Test
  void noHoldTimeRunsEachPreparedFrameAtOnce() throws Exception {
    double mean = meanBatchUnderLoad(TestSupport.config().set("workers", "2").set("batch-threads", "2")
        .set("max-batch", "16").set("max-batch-hold-us", "0"));
    assertTrue(mean < 1.5, "without holding, batches stay near one face, mean " + mean);
  }

  /** 12 streams x 30 frames; checks every frame is answered in order; returns the mean batch. */
  private static double meanBatchUnderLoad(dev.fer.server.config.ServerConfig config) throws Exception {
    List<Path> faces = TestSupport.fer2013Faces(3);
    int streams = 12;
    int framesPerStream = 30;
    try (FerServer server = TestSupport.startNetty(config);
        FerClient client = FerClient.connect("127.0.0.1:" + server.port())) {
      List<RecognizeRequest> requests = new ArrayList<>();
      for (Path f : faces) {
        requests.add(FerClient.request(Files.readAllBytes(f)).setFaceCrop(true).build());
      }
      ExecutorService pool = Executors.newFixedThreadPool(streams);
      List<Future<Integer>> answered = new ArrayList<>();
      for (int s = 0; s < streams; s++) {
        final int offset = s;
        answered.add(pool.submit(() -> {
          try (var session = client.stream(4)) {
            java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
            Thread reader = new Thread(() -> {
              try {
                for (long expected = 0; expected < framesPerStream; expected++) {
                  RecognizeResponse r = session.next(60, java.util.concurrent.TimeUnit.SECONDS);
                  assertEquals(expected, r.getFrameId(), "responses keep the stream's frame order");
                  assertEquals(1, r.getFacesCount(), "frame " + expected);
                  received.incrementAndGet();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
            reader.start();
            for (int i = 0; i < framesPerStream; i++) {
              session.send(requests.get((i + offset) % requests.size()).toBuilder().setFrameId(i).build());
            }
            session.finish();
            reader.join(120_000);
            return received.get();
          }
        }));
      }
      for (Future<Integer> f : answered) {
        assertEquals(framesPerStream, f.get(), "every frame of every stream is answered");
      }
      pool.shutdown();
      return server.engine().meanBatchSize();
    }
  }

  @Test
  void concurrentFramesAreBatchedAndEachGetsItsOwnScores() throws Exception {
    List<Path> faces = TestSupport.fer2013Faces(10);
    try (FerServer server = TestSupport.startNetty(TestSupport.config()
            .set("workers", "6").set("batch-threads", "1").set("max-batch", "16"));
        FerClient client = FerClient.connect("127.0.0.1:" + server.port())) {
      String variant = client.pipeline("").getActiveVariant();
      List<RecognizeRequest> requests = new ArrayList<>();
      for (Path f : faces) {
        requests.add(FerClient.request(Files.readAllBytes(f)).setFaceCrop(true).setVariant(variant).build());
      }
      List<RecognizeResponse> alone = new ArrayList<>();
      for (RecognizeRequest r : requests) {
        alone.add(client.recognize(r));
      }
      double before = server.engine().meanBatchSize();
      ExecutorService pool = Executors.newFixedThreadPool(16);
      List<Future<RecognizeResponse>> together = new ArrayList<>();
      for (int round = 0; round < 4; round++) {
        for (RecognizeRequest r : requests) {
          together.add(pool.submit(() -> client.recognize(r)));
        }
      }
      for (int i = 0; i < together.size(); i++) {
        RecognizeResponse got = together.get(i).get();
        RecognizeResponse expected = alone.get(i % requests.size());
        assertEquals(expected.getFaces(0).getLabel(), got.getFaces(0).getLabel(), "frame " + i);
        for (int c = 0; c < expected.getFaces(0).getScoresCount(); c++) {
          assertEquals(expected.getFaces(0).getScores(c).getScore(), got.getFaces(0).getScores(c).getScore(), 1e-4,
              "frame " + i + " class " + c);
        }
      }
      pool.shutdown();
      assertTrue(server.engine().meanBatchSize() > before,
          "concurrent frames with one chain slot form batches (mean batch size " + server.engine().meanBatchSize() + ")");
    }
  }
}
