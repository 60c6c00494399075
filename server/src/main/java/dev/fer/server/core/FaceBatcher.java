package dev.fer.server.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Dynamic batching across frames and streams: prepared faces that go to the same pipeline and
 * generator variant run through the chain together, up to {@code maxBatch} faces, waiting at most
 * {@code maxDelayNanos} for more.
 *
 * <p>There are no batcher threads: the thread that queues faces runs the chain itself when one of
 * the {@code runners} permits is free (leader/follower). A lone stream therefore pays no thread
 * hop and no waiting, while under load the faces that queue up behind a running batch form the
 * next, bigger batch.
 *
 * <p>When more frames are already waiting to be preprocessed ({@code morePending}), the queuing
 * thread does not run a small batch: it goes back to preprocess them, and the batch runs once it
 * is full, nothing is pending any more, or preparing one more frame would take its oldest faces
 * past {@code maxHoldNanos}. Without this, every worker would preprocess one frame and run it
 * alone, and batches would stay at one face under exactly the load that needs them. Whoever ends
 * a piece of pending work calls {@link #runQueued()}, so no face is stranded.
 */
final class FaceBatcher implements AutoCloseable {
  /** Told of every chain run, for the batch-size metric. */
  @FunctionalInterface
  interface BatchObserver {
    void onBatch(Pipeline pipeline, GeneratorVariant variant, int faces);
  }

  /** Faces of one frame waiting for the chain. */
  record Job(Pipeline pipeline, GeneratorVariant variant, float[] faces, int count, boolean references,
      CompletableFuture<ChainRunner.Output> result, long queuedAt) {
    Job(Pipeline pipeline, GeneratorVariant variant, float[] faces, int count, boolean references,
        CompletableFuture<ChainRunner.Output> result) {
      this(pipeline, variant, faces, count, references, result, System.nanoTime());
    }
  }

  private final ChainRunner chain;
  private final int maxBatch;
  private final long maxDelayNanos;
  private final long maxHoldNanos;
  private final int capacity;
  private final ConcurrentLinkedDeque<Job> queue = new ConcurrentLinkedDeque<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicInteger queuedFaces = new AtomicInteger();
  private final BooleanSupplier morePending;
  private final BatchObserver observer;
  private final Semaphore runners;
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong batchedFaces = new AtomicLong();
  /** Recent time to prepare one frame (moving average), told by the workers. */
  private final AtomicLong prepareNanos = new AtomicLong();
  private volatile boolean closed;

  FaceBatcher(ChainRunner chain, int maxBatch, long maxDelayNanos, long maxHoldNanos, int runners, int capacity,
      BooleanSupplier morePending, BatchObserver observer) {
    this.maxHoldNanos = Math.max(0, maxHoldNanos);
    this.chain = chain;
    this.morePending = morePending;
    this.observer = observer;
    this.maxBatch = Math.max(1, maxBatch);
    this.maxDelayNanos = Math.max(0, maxDelayNanos);
    this.runners = new Semaphore(Math.max(1, runners));
    this.capacity = capacity;
  }

  /**
   * Queues the faces and, if a runner permit is free, runs batches on this thread until the
   * queue is empty. @return false when the queue is full (the caller answers RESOURCE_EXHAUSTED)
   */
  boolean offer(Job job) {
    if (closed || queued.incrementAndGet() > capacity) {
      queued.decrementAndGet();
      return false;
    }
    queuedFaces.addAndGet(job.count());
    queue.addLast(job);
    runQueued();
    return true;
  }

  /**
   * Runs queued batches while a runner is free and a batch is worth running (full, or no more
   * frames pending); called on offer and whenever a piece of pending work ends.
   */
  void runQueued() {
    // Re-check after releasing: a job queued while we held the permit must not be stranded.
    while (!queue.isEmpty() && worthRunning() && runners.tryAcquire()) {
      try {
        runOneBatch();
      } finally {
        runners.release();
      }
    }
  }

  /**
   * A batch is worth running when it is full, when no more frames are being prepared, or when
   * preparing one more frame would hold its oldest faces past the hold time. The hold can only
   * be checked when a worker comes back, so the decision looks ahead by the recent preparation
   * time: with slow preprocessing (face detection on full frames) batches run at once rather
   * than wait a whole detection for one more face; cheap face crops fill the batch.
   */
  private boolean worthRunning() {
    if (queuedFaces.get() >= maxBatch || !morePending.getAsBoolean()) {
      return true;
    }
    Job oldest = queue.peekFirst();
    return oldest != null && System.nanoTime() - oldest.queuedAt() + prepareNanos.get() >= maxHoldNanos;
  }

  /** A worker prepared a frame in this time; feeds the look-ahead of {@link #worthRunning()}. */
  void preparedIn(long nanos) {
    long old = prepareNanos.get();
    prepareNanos.set(old == 0 ? nanos : old + (nanos - old) / 8); // racy by design: an estimate
  }

  /** Mean faces per chain run so far, for metrics and the benchmark. */
  double meanBatchSize() {
    long b = batches.get();
    return b == 0 ? 0 : (double) batchedFaces.get() / b;
  }

  private void runOneBatch() {
    Job first = take();
    if (first == null) {
      return;
    }
    List<Job> batch = new ArrayList<>();
    List<Job> others = new ArrayList<>();
    batch.add(first);
    int faces = first.count();
    long deadline = System.nanoTime() + maxDelayNanos;
    while (faces < maxBatch) {
      Job next = take();
      if (next == null) {
        if (System.nanoTime() >= deadline) {
          break;
        }
        LockSupport.parkNanos(Math.min(50_000, deadline - System.nanoTime()));
        continue;
      }
      if (next.pipeline() == first.pipeline() && next.variant() == first.variant() && faces + next.count() <= maxBatch) {
        batch.add(next);
        faces += next.count();
      } else {
        others.add(next);
        if (others.size() >= maxBatch) {
          break;
        }
      }
    }
    // Jobs for another chain go back to the front, in their order, for the next round.
    for (int i = others.size() - 1; i >= 0; i--) {
      queued.incrementAndGet();
      queuedFaces.addAndGet(others.get(i).count());
      queue.addFirst(others.get(i));
    }
    run(batch, faces);
  }

  private Job take() {
    Job j = queue.pollFirst();
    if (j != null) {
      queued.decrementAndGet();
      queuedFaces.addAndGet(-j.count());
    }
    return j;
  }

  private void run(List<Job> batch, int faces) {
    Job first = batch.get(0);
    batches.incrementAndGet();
    batchedFaces.addAndGet(faces);
    try {
      observer.onBatch(first.pipeline(), first.variant(), faces);
      if (batch.size() == 1) {
        first.result().complete(chain.run(first.pipeline(), first.variant(), first.faces(), first.count(),
            first.references()));
        return;
      }
      int pixels = first.pipeline().faceSpec().pixels();
      float[] all = new float[faces * pixels];
      boolean refs = false;
      int offset = 0;
      for (Job j : batch) {
        System.arraycopy(j.faces(), 0, all, offset * pixels, j.count() * pixels);
        offset += j.count();
        refs |= j.references();
      }
      ChainRunner.Output out = chain.run(first.pipeline(), first.variant(), all, faces, refs);
      offset = 0;
      for (Job j : batch) {
        float[][] probs = java.util.Arrays.copyOfRange(out.probabilities(), offset, offset + j.count());
        float[] r = j.references() ? java.util.Arrays.copyOfRange(out.references(), offset * pixels,
            (offset + j.count()) * pixels) : null;
        // Stage times are the batch's: every frame in it waited for the whole run.
        j.result().complete(new ChainRunner.Output(probs, r, out.generatorNanos(), out.encoderNanos(),
            out.classifierNanos()));
        offset += j.count();
      }
    } catch (Throwable t) {
      for (Job j : batch) {
        j.result().completeExceptionally(t);
      }
    }
  }

  /** Stops taking faces and runs what is queued, on the calling thread if no runner is busy. */
  @Override
  public void close() {
    closed = true;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!queue.isEmpty() && System.nanoTime() < deadline) {
      if (runners.tryAcquire()) {
        try {
          runOneBatch();
        } finally {
          runners.release();
        }
      } else {
        LockSupport.parkNanos(1_000_000);
      }
    }
  }
}
