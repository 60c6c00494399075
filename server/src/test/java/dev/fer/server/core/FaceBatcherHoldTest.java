package dev.fer.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.fer.server.TestSupport;
import dev.fer.server.config.ServerConfig;
import dev.fer.server.config.ServerModule;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How long prepared faces are held back for a fuller batch while the workers prepare more frames
 * ({@code max-batch-hold-us}): worth it when preparing a frame is cheap (face crops), not when
 * it takes longer than the hold time (face detection on full frames).
 */
class FaceBatcherHoldTest {
  private Pipeline pipeline;
  private GeneratorVariant variant;
  private ChainRunner chain;

  @BeforeEach
  void load() throws Exception {
    ServerConfig config = TestSupport.config();
    Injector injector = Guice.createInjector(new ServerModule(config));
    pipeline = injector.getInstance(PipelineLoader.class).load(config.modelsDir().resolve("fer2013"));
    variant = pipeline.variants().get(pipeline.variants().split().active());
    chain = injector.getInstance(ChainRunner.class);
  }

  @AfterEach
  void close() {
    pipeline.close();
  }

  /** Frames always pending and no worker ever coming back: the faces must still run, at once. */
  @Test
  void facesAreNotHeldWhenPreparingAnotherFrameTakesLongerThanTheHold() throws Exception {
    try (FaceBatcher batcher = new FaceBatcher(chain, 8, 0, TimeUnit.MILLISECONDS.toNanos(2), 2, 64, () -> true,
        (p, v, n) -> {})) {
      batcher.preparedIn(TimeUnit.MILLISECONDS.toNanos(40)); // a face detection
      CompletableFuture<ChainRunner.Output> out = offer(batcher);
      assertEquals(pipeline.classes().size(), out.get(30, TimeUnit.SECONDS).probabilities()[0].length);
    }
  }

  /** Cheap preparation: faces wait for the frames being prepared and then run as one batch. */
  @Test
  void facesAreHeldForTheFramesBeingPreparedAndRunTogether() throws Exception {
    AtomicBoolean pending = new AtomicBoolean(true);
    try (FaceBatcher batcher = new FaceBatcher(chain, 8, 0, TimeUnit.SECONDS.toNanos(600), 2, 64, pending::get,
        (p, v, n) -> {})) {
      batcher.preparedIn(TimeUnit.MICROSECONDS.toNanos(100)); // a face crop
      CompletableFuture<ChainRunner.Output> first = offer(batcher);
      CompletableFuture<ChainRunner.Output> second = offer(batcher);
      assertFalse(first.isDone() || second.isDone(), "held while more frames are being prepared");
      pending.set(false);
      batcher.runQueued(); // what the last worker to finish does
      first.get(30, TimeUnit.SECONDS);
      second.get(30, TimeUnit.SECONDS);
      assertEquals(2.0, batcher.meanBatchSize(), 1e-9, "the two held faces ran together, in one batch");
    }
  }

  private CompletableFuture<ChainRunner.Output> offer(FaceBatcher batcher) {
    CompletableFuture<ChainRunner.Output> out = new CompletableFuture<>();
    float[] face = new float[pipeline.faceSpec().pixels()];
    if (!batcher.offer(new FaceBatcher.Job(pipeline, variant, face, 1, false, out))) {
      throw new AssertionError("the batcher refused a face with an empty queue");
    }
    return out;
  }
}
