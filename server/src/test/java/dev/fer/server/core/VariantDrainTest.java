package dev.fer.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import dev.fer.spi.Generator;
import dev.fer.spi.ModelCard;
import dev.fer.spi.ModelVersion;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Swap semantics at the registry: frames in a variant finish on it; a replaced or unloaded one drains. */
class VariantDrainTest {
  static GeneratorVariant variant(String name, AtomicBoolean closed) throws Exception {
    ModelCard card = ModelCard.parse("""
        {"stage": "generator", "variant": "%s", "input_size": [8, 8], "normalization": {"mean": 0.5, "std": 0.5}}
        """.formatted(name), "test");
    Generator g = new Generator() {
      @Override
      public ModelCard card() {
        return card;
      }

      @Override
      public OnnxTensor generate(OnnxTensor faces) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void close() {
        closed.set(true);
      }
    };
    return new GeneratorVariant(name, new ModelVersion("generator-" + name, "1", Path.of("/x"), card), g);
  }

  @Test
  void aReplacedVariantFinishesItsFramesBeforeItIsClosed() throws Exception {
    AtomicBoolean oldClosed = new AtomicBoolean();
    VariantRegistry registry = new VariantRegistry("a");
    GeneratorVariant old = variant("a", oldClosed);
    registry.publish(old);
    GeneratorVariant lease = registry.acquire("", "camera-1");
    assertSame(old, lease);

    GeneratorVariant replacement = variant("a", new AtomicBoolean());
    assertSame(old, registry.publish(replacement));
    CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> {
      try {
        return old.drainAndClose(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    GeneratorVariant next = registry.acquire("", "camera-1");
    assertSame(replacement, next, "new frames go to the new version at once");
    next.release();
    Thread.sleep(100);
    assertFalse(oldClosed.get(), "the old version waits for its frame");
    assertFalse(old.tryAcquire(), "a draining variant takes no new frame");
    lease.release();
    assertTrue(drained.get(10, TimeUnit.SECONDS), "drained cleanly");
    assertTrue(oldClosed.get());
    assertEquals(VariantState.UNLOADED, old.state());
  }

  @Test
  void routingChangesAreValidatedAndAVariantThatTakesTrafficCannotBeWithdrawn() throws Exception {
    VariantRegistry registry = new VariantRegistry("a");
    registry.publish(variant("a", new AtomicBoolean()));
    registry.publish(variant("b", new AtomicBoolean()));
    RecognitionException missing = assertThrows(RecognitionException.class,
        () -> registry.setSplit(registry.split().withWeights(Map.of("a", 1.0, "zzz", 1.0))));
    assertEquals(RecognitionException.Kind.NOT_FOUND, missing.kind());
    registry.setSplit(registry.split().withWeights(Map.of("a", 1.0, "b", 1.0)));
    RecognitionException busy = assertThrows(RecognitionException.class, () -> registry.withdraw("b"));
    assertEquals(RecognitionException.Kind.FAILED_PRECONDITION, busy.kind());
    registry.setSplit(TrafficSplit.single("a").withShadow("b"));
    assertNotNull(registry.withdraw("b"), "a shadow can go; the shadow is cleared");
    assertEquals("", registry.split().shadow());
  }
}
