package dev.fer.server.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Dynamic batching across frames and streams: prepared faces that go to the same pipeline and
 * generator variant are run through the chain together, up to {@code maxBatch} faces, waiting at
 * most {@code maxDelayNanos} for more to arrive. With a delay of 0 a batch is whatever is already
 * queued, so a lone stream pays no waiting and a loaded server batches by itself.
 */
final class FaceBatcher implements AutoCloseable {
  /** Faces of one frame waiting for the chain. */
  record Job(Pipeline pipeline, GeneratorVariant variant, float[] faces, int count, boolean references,
      CompletableFuture<ChainRunner.Output> result) {}

  private final ChainRunner chain;
  private final int maxBatch;
  private final long maxDelayNanos;
  private final BlockingQueue<Job> queue;
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong batchedFaces = new AtomicLong();
  private volatile boolean closed;

  FaceBatcher(ChainRunner chain, int maxBatch, long maxDelayNanos, int threadCount, int capacity) {
    this.chain = chain;
    this.maxBatch = Math.max(1, maxBatch);
    this.maxDelayNanos = Math.max(0, maxDelayNanos);
    this.queue = new ArrayBlockingQueue<>(capacity);
    for (int i = 0; i < threadCount; i++) {
      Thread t = new Thread(this::loop, "fer-batcher-" + (i + 1));
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
  }

  /** @return false when the queue is full (the caller answers RESOURCE_EXHAUSTED) */
  boolean offer(Job job) {
    return !closed && queue.offer(job);
  }

  /** Mean faces per chain run so far, for metrics and the benchmark. */
  double meanBatchSize() {
    long b = batches.get();
    return b == 0 ? 0 : (double) batchedFaces.get() / b;
  }

  private void loop() {
    ArrayDeque<Job> carried = new ArrayDeque<>();
    while (!closed || !queue.isEmpty() || !carried.isEmpty()) {
      try {
        Job first = carried.isEmpty() ? queue.poll(100, TimeUnit.MILLISECONDS) : carried.poll();
        if (first == null) {
          continue;
        }
        List<Job> batch = new ArrayList<>();
        batch.add(first);
        int faces = first.count();
        long deadline = System.nanoTime() + maxDelayNanos;
        // Jobs for another pipeline or variant wait for the next round, in order.
        int carriedCount = carried.size();
        for (int i = 0; i < carriedCount && faces < maxBatch; i++) {
          Job j = carried.poll();
          if (sameChain(first, j) && faces + j.count() <= maxBatch) {
            batch.add(j);
            faces += j.count();
          } else {
            carried.add(j);
          }
        }
        while (faces < maxBatch) {
          long wait = deadline - System.nanoTime();
          Job next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
          if (next == null) {
            break;
          }
          if (sameChain(first, next) && faces + next.count() <= maxBatch) {
            batch.add(next);
            faces += next.count();
          } else {
            carried.add(next);
            if (carried.size() >= maxBatch) {
              break;
            }
          }
        }
        run(batch, faces);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static boolean sameChain(Job a, Job b) {
    return a.pipeline() == b.pipeline() && a.variant() == b.variant();
  }

  private void run(List<Job> batch, int faces) {
    Job first = batch.get(0);
    try {
      if (batch.size() == 1) {
        first.result().complete(chain.run(first.pipeline(), first.variant(), first.faces(), first.count(),
            first.references()));
        batches.incrementAndGet();
        batchedFaces.addAndGet(faces);
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
      batches.incrementAndGet();
      batchedFaces.addAndGet(faces);
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

  @Override
  public void close() {
    closed = true;
    for (Thread t : threads) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
