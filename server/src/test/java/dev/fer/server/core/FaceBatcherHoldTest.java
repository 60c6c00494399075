package dev.fer.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.fer.server.TestSupport;
import dev.fer.server.config.ServerConfig;
import dev.fer.server.config.ServerModule;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faces held back for a fuller batch while the workers prepare more frames must not wait for a
 * worker to come back: with face detection on full frames that can take far longer than the
 * hold time. Here the workers never come back (frames are always pending).
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

  @Test
  void heldFacesRunWhenTheHoldTimeIsUpThoughNoWorkerComesBack() throws Exception {
    long holdNanos = TimeUnit.MILLISECONDS.toNanos(200);
    try (FaceBatcher batcher = new FaceBatcher(chain, 8, 0, holdNanos, 2, 64, () -> true, (p, v, n) -> {})) {
      CompletableFuture<ChainRunner.Output> first = offer(batcher);
      CompletableFuture<ChainRunner.Output> second = offer(batcher);
      assertEquals(pipeline.classes().size(), first.get(30, TimeUnit.SECONDS).probabilities()[0].length);
      assertEquals(1, second.get(30, TimeUnit.SECONDS).probabilities().length);
      assertEquals(2.0, batcher.meanBatchSize(), 1e-9, "the two held faces ran together, in one batch");
    }
  }

  @Test
  void aFullBatchIsNotHeld() throws Exception {
    long holdNanos = TimeUnit.SECONDS.toNanos(600);
    try (FaceBatcher batcher = new FaceBatcher(chain, 2, 0, holdNanos, 2, 64, () -> true, (p, v, n) -> {})) {
      CompletableFuture<ChainRunner.Output> first = offer(batcher);
      CompletableFuture<ChainRunner.Output> second = offer(batcher);
      first.get(30, TimeUnit.SECONDS);
      second.get(30, TimeUnit.SECONDS);
      assertTrue(batcher.meanBatchSize() == 2.0, "mean batch " + batcher.meanBatchSize());
    }
  }

  private CompletableFuture<ChainRunner.Output> offer(FaceBatcher batcher) {
    CompletableFuture<ChainRunner.Output> out = new CompletableFuture<>();
    float[] face = new float[pipeline.faceSpec().pixels()];
    assertTrue(batcher.offer(new FaceBatcher.Job(pipeline, variant, face, 1, false, out)));
    return out;
  }
}
