package dev.fer.server.core;

import dev.fer.spi.Generator;
import dev.fer.spi.ModelVersion;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loaded generator plus the bookkeeping that makes swaps safe: frames take a lease before
 * running on it, and an unload waits until every lease is back (the variant drains).
 */
public final class GeneratorVariant {
  private final String name;
  private final ModelVersion model;
  private final Generator generator;
  private final AtomicInteger leases = new AtomicInteger();
  private final CountDownLatch drained = new CountDownLatch(1);
  private volatile VariantState state = VariantState.READY;

  public GeneratorVariant(String name, ModelVersion model, Generator generator) {
    this.name = name;
    this.model = model;
    this.generator = generator;
  }

  public String name() {
    return name;
  }

  public ModelVersion model() {
    return model;
  }

  public Generator generator() {
    return generator;
  }

  public VariantState state() {
    return state;
  }

  /** @return false once the variant is draining: route the frame elsewhere */
  public boolean tryAcquire() {
    leases.incrementAndGet();
    if (state != VariantState.READY) {
      release();
      return false;
    }
    return true;
  }

  public void release() {
    if (leases.decrementAndGet() == 0 && state == VariantState.DRAINING) {
      drained.countDown();
    }
  }

  public int inFlight() {
    return leases.get();
  }

  /** Stops new frames, waits for running ones, then closes the model. */
  public boolean drainAndClose(long timeout, TimeUnit unit) throws InterruptedException {
    state = VariantState.DRAINING;
    if (leases.get() == 0) {
      drained.countDown();
    }
    boolean clean = drained.await(timeout, unit);
    state = VariantState.UNLOADED;
    generator.close();
    return clean;
  }
}
