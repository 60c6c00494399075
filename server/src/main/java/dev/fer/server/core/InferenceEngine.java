package dev.fer.server.core;

import dev.fer.spi.FaceBox;
import dev.fer.spi.FaceSpec;
import dev.fer.spi.FrameInput;
import dev.fer.spi.InvalidInputException;
import dev.fer.spi.PreparedFaces;
import dev.fer.spi.Preprocessor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inference core, independent of any transport: a frame goes preprocess -> generator ->
 * encoder -> classifier -> result on a bounded pool of workers. A full queue is an answer
 * (RESOURCE_EXHAUSTED), never unbounded memory.
 */
public final class InferenceEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InferenceEngine.class);

  private final PipelineCatalog catalog;
  private final Preprocessor preprocessor;
  private final List<FrameListener> listeners;
  private final ThreadPoolExecutor workers;
  private final int queueCapacity;
  private final FaceBatcher batcher;

  /** Threads and limits of the engine; see {@code ServerConfig} for what each means. */
  public record Settings(int workers, int queueCapacity, int maxBatch, long maxBatchDelayMicros, long maxBatchHoldMicros,
      int batchThreads) {}

  public InferenceEngine(PipelineCatalog catalog, Preprocessor preprocessor, ChainRunner chain,
      List<FrameListener> listeners, Settings settings) {
    int workerThreads = settings.workers();
    int queueCapacity = settings.queueCapacity();
    this.catalog = catalog;
    this.preprocessor = preprocessor;
    this.listeners = List.copyOf(listeners);
    this.queueCapacity = queueCapacity;
    AtomicInteger n = new AtomicInteger();
    this.workers = new ThreadPoolExecutor(workerThreads, workerThreads, 0, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(queueCapacity), r -> {
          Thread t = new Thread(r, "fer-worker-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }) {
      @Override
      protected void afterExecute(Runnable r, Throwable t) {
        // The batcher holds back partial batches while frames wait here; the last one out runs them.
        if (getQueue().isEmpty()) {
          batcher.runQueued();
        }
      }
    };
    this.batcher = new FaceBatcher(chain, settings.maxBatch(), settings.maxBatchDelayMicros() * 1000,
        settings.maxBatchHoldMicros() * 1000, settings.batchThreads(), queueCapacity,
        () -> !workers.getQueue().isEmpty(), this::notifyBatch);
  }

  public PipelineCatalog catalog() {
    return catalog;
  }

  public Preprocessor preprocessor() {
    return preprocessor;
  }

  /** Frames waiting for a worker right now. */
  public int queued() {
    return workers.getQueue().size();
  }

  public CompletableFuture<FrameResult> submit(FrameTask task) {
    CompletableFuture<FrameResult> future = new CompletableFuture<>();
    long enqueued = System.nanoTime();
    try {
      workers.execute(() -> {
        if (task.cancelled().getAsBoolean()) {
          future.completeExceptionally(new RecognitionException(RecognitionException.Kind.CANCELLED,
              "the client cancelled the stream"));
          return;
        }
        try {
          prepareAndQueue(task, (System.nanoTime() - enqueued) / 1e6, future);
        } catch (RecognitionException e) {
          fail(task, future, e);
        } catch (Throwable t) {
          log.error("frame failed unexpectedly", t);
          fail(task, future, new RecognitionException(RecognitionException.Kind.INTERNAL,
              "internal error while recognising the frame: " + t, t));
        }
      });
    } catch (RejectedExecutionException e) {
      future.completeExceptionally(overloaded());
    }
    return future;
  }

  /**
   * Already-cropped faces (a tensor or face-crop images) through the same batched chain as
   * frames; crops go through the same preprocessing as a fer.v1 face crop, so both protocols
   * give the same scores for the same image.
   */
  public CompletableFuture<FaceBatchResult> submitFaces(FaceBatchTask task) {
    CompletableFuture<FaceBatchResult> result = new CompletableFuture<>();
    submitWork(() -> {
      queueFaces(task, result);
      return null;
    }).exceptionally(error -> {
      result.completeExceptionally(error);
      return null;
    });
    return result;
  }

  /** What a worker runs for {@link #submitWork}; may throw anything. */
  @FunctionalInterface
  public interface Work<T> {
    T call() throws Exception;
  }

  /**
   * Runs work (a single stage model, say) on the bounded worker pool, so callers outside the
   * frame path share the same limits. A RecognitionException is passed on as it is; anything
   * else becomes INTERNAL.
   */
  public <T> CompletableFuture<T> submitWork(Work<T> work) {
    CompletableFuture<T> future = new CompletableFuture<>();
    try {
      workers.execute(() -> {
        try {
          future.complete(work.call());
        } catch (RecognitionException e) {
          future.completeExceptionally(e);
        } catch (Throwable t) {
          log.error("work failed unexpectedly", t);
          future.completeExceptionally(new RecognitionException(RecognitionException.Kind.INTERNAL,
              "internal error: " + t, t));
        }
      });
    } catch (RejectedExecutionException e) {
      future.completeExceptionally(overloaded());
    }
    return future;
  }

  private void queueFaces(FaceBatchTask task, CompletableFuture<FaceBatchResult> future) throws RecognitionException {
    Pipeline pipeline = catalog.get(task.pipeline());
    FaceSpec spec = pipeline.faceSpec();
    float[] faces = task.tensor() != null ? task.tensor() : preprocessCrops(task.crops(), spec);
    int count = task.tensor() != null ? task.count() : task.crops().size();
    if (count <= 0 || faces.length != count * spec.pixels()) {
      throw new RecognitionException(RecognitionException.Kind.INVALID_ARGUMENT, "expected " + count + " faces of "
          + spec.height() + "x" + spec.width() + " = " + count * spec.pixels() + " values, got " + faces.length);
    }
    GeneratorVariant variant = pipeline.variants().acquire(task.variant(), task.routingKey());
    runOnChain(pipeline, variant, faces, count, task.returnReference()).whenComplete((out, error) -> {
      if (error != null) {
        future.completeExceptionally(chainFailure(pipeline, variant, error));
        return;
      }
      future.complete(new FaceBatchResult(pipeline.name(), variant.name(), pipeline.classes(), out.probabilities(),
          out.references(), out.generatorNanos() + out.encoderNanos() + out.classifierNanos()));
    });
  }

  private float[] preprocessCrops(List<byte[]> crops, FaceSpec spec) throws RecognitionException {
    float[] all = new float[crops.size() * spec.pixels()];
    for (int i = 0; i < crops.size(); i++) {
      PreparedFaces one;
      try {
        one = preprocessor.prepare(FrameInput.encoded(crops.get(i), List.of(), true), spec);
      } catch (InvalidInputException e) {
        throw new RecognitionException(RecognitionException.Kind.INVALID_ARGUMENT, "image " + i + ": " + e.getMessage());
      }
      if (one.count() != 1) {
        throw new RecognitionException(RecognitionException.Kind.INVALID_ARGUMENT,
            "image " + i + " gave " + one.count() + " faces; a face crop must give exactly one");
      }
      System.arraycopy(one.tensor(), 0, all, i * spec.pixels(), spec.pixels());
    }
    return all;
  }

  private RecognitionException overloaded() {
    return new RecognitionException(RecognitionException.Kind.RESOURCE_EXHAUSTED,
        workers.isShutdown() ? "the server is shutting down"
            : "the server is overloaded: " + queueCapacity + " frames are already queued; slow down and retry");
  }

  /** On a worker: preprocess, lease a variant, queue the faces for the batched chain. */
  private void prepareAndQueue(FrameTask task, double queueMs, CompletableFuture<FrameResult> future)
      throws RecognitionException {
    Pipeline pipeline = catalog.get(task.pipeline());
    Map<String, Double> timings = new LinkedHashMap<>();
    timings.put("queue", queueMs);
    FaceSpec spec = pipeline.faceSpec();

    long t0 = System.nanoTime();
    PreparedFaces faces;
    try {
      faces = preprocessor.prepare(task.frame(), spec);
    } catch (InvalidInputException e) {
      throw new RecognitionException(RecognitionException.Kind.INVALID_ARGUMENT, e.getMessage());
    } catch (IllegalStateException e) {
      // The preprocessor cannot do what this frame needs (e.g. no face detector installed).
      throw new RecognitionException(RecognitionException.Kind.FAILED_PRECONDITION, e.getMessage());
    }
    long prepared = System.nanoTime() - t0;
    timings.put("preprocess", prepared / 1e6);
    batcher.preparedIn(prepared);

    GeneratorVariant variant = pipeline.variants().acquire(task.variant(), task.routingKey());
    if (faces.count() == 0) {
      variant.release();
      finish(task, future, new FrameResult(pipeline.name(), variant.name(), faces.imageWidth(),
          faces.imageHeight(), List.of(), timings));
      return;
    }
    long queuedAt = System.nanoTime();
    runOnChain(pipeline, variant, faces.tensor(), faces.count(), task.returnReference()).whenComplete((out, error) -> {
      if (error != null) {
        fail(task, future, chainFailure(pipeline, variant, error));
        return;
      }
      putStageTimings(timings, out, queuedAt);
      List<FrameResult.Face> list = new ArrayList<>(faces.count());
      for (int i = 0; i < faces.count(); i++) {
        list.add(face(pipeline, faces.boxes().get(i), out.probabilities()[i],
            task.returnReference() ? ReferenceImages.png(out.references(), i, spec) : new byte[0]));
      }
      FrameResult result = new FrameResult(pipeline.name(), variant.name(), faces.imageWidth(), faces.imageHeight(),
          list, timings);
      finish(task, future, result);
      runShadow(task, pipeline, result, faces);
    });
  }

  private void finish(FrameTask task, CompletableFuture<FrameResult> future, FrameResult result) {
    for (FrameListener l : listeners) {
      try {
        l.onFrame(task, result);
      } catch (RuntimeException e) {
        log.warn("frame listener failed: {}", e.toString());
      }
    }
    future.complete(result);
  }

  private void fail(FrameTask task, CompletableFuture<FrameResult> future, RecognitionException e) {
    notifyFailure(task, e);
    future.completeExceptionally(e);
  }

  /**
   * Mirrors the faces through the shadow variant; its result goes to the listeners only, never to
   * the client. A frame whose primary is the shadow variant itself is not mirrored.
   */
  private void runShadow(FrameTask task, Pipeline pipeline, FrameResult primary, PreparedFaces faces) {
    GeneratorVariant shadow = pipeline.variants().acquireShadow();
    if (shadow == null) {
      return;
    }
    if (shadow.name().equals(primary.variant())) {
      shadow.release();
      return;
    }
    long queuedAt = System.nanoTime();
    CompletableFuture<ChainRunner.Output> out;
    try {
      out = runOnChain(pipeline, shadow, faces.tensor(), faces.count(), false);
    } catch (RecognitionException overloaded) {
      return; // A full queue skips the mirror; the primary result is already out.
    }
    out.whenComplete((o, error) -> {
      if (error != null) {
        log.warn("shadow variant {} failed: {}", shadow.name(), cause(error).toString());
        return;
      }
      Map<String, Double> timings = new LinkedHashMap<>();
      putStageTimings(timings, o, queuedAt);
      List<FrameResult.Face> list = new ArrayList<>(faces.count());
      for (int i = 0; i < faces.count(); i++) {
        list.add(face(pipeline, faces.boxes().get(i), o.probabilities()[i], new byte[0]));
      }
      FrameResult mirrored = new FrameResult(pipeline.name(), shadow.name(), faces.imageWidth(), faces.imageHeight(),
          list, timings);
      for (FrameListener l : listeners) {
        try {
          l.onShadowFrame(task, primary, mirrored);
        } catch (RuntimeException e) {
          log.warn("frame listener failed on a shadow frame: {}", e.toString());
        }
      }
    });
  }

  /**
   * Queues faces for the batched chain on a leased variant; the lease is returned when the run
   * ends, before anything that depends on the result runs.
   */
  private CompletableFuture<ChainRunner.Output> runOnChain(Pipeline pipeline, GeneratorVariant variant, float[] faces,
      int count, boolean references) throws RecognitionException {
    CompletableFuture<ChainRunner.Output> chained = new CompletableFuture<>();
    if (!batcher.offer(new FaceBatcher.Job(pipeline, variant, faces, count, references, chained))) {
      variant.release();
      throw overloaded();
    }
    return chained.whenComplete((out, error) -> variant.release());
  }

  private static RecognitionException chainFailure(Pipeline pipeline, GeneratorVariant variant, Throwable error) {
    Throwable e = cause(error);
    return new RecognitionException(RecognitionException.Kind.INTERNAL,
        "model run failed in pipeline " + pipeline.name() + ", variant " + variant.name() + ": " + e, e);
  }

  private static Throwable cause(Throwable error) {
    return error instanceof java.util.concurrent.CompletionException && error.getCause() != null
        ? error.getCause() : error;
  }

  /** Stage times of a batched run; batch_wait is the time in the queue before the run. */
  private static void putStageTimings(Map<String, Double> timings, ChainRunner.Output out, long queuedAt) {
    long chainNanos = out.generatorNanos() + out.encoderNanos() + out.classifierNanos();
    timings.put("batch_wait", Math.max(0, (System.nanoTime() - queuedAt - chainNanos) / 1e6));
    timings.put("generator", out.generatorNanos() / 1e6);
    timings.put("encoder", out.encoderNanos() / 1e6);
    timings.put("classifier", out.classifierNanos() / 1e6);
  }

  /** Mean faces per chain run so far. */
  public double meanBatchSize() {
    return batcher.meanBatchSize();
  }

  private static FrameResult.Face face(Pipeline pipeline, FaceBox box, float[] probs, byte[] png) {
    int best = argmax(probs);
    return new FrameResult.Face(box, pipeline.classes().get(best), probs[best], pipeline.classes(), probs, png);
  }

  static int argmax(float[] p) {
    int best = 0;
    for (int i = 1; i < p.length; i++) {
      if (p[i] > p[best]) {
        best = i;
      }
    }
    return best;
  }

  private void notifyBatch(Pipeline pipeline, GeneratorVariant variant, int faces) {
    for (FrameListener l : listeners) {
      try {
        l.onBatch(pipeline.name(), variant.name(), faces);
      } catch (RuntimeException e) {
        log.warn("frame listener failed on a batch: {}", e.toString());
      }
    }
  }

  private void notifyFailure(FrameTask task, RecognitionException e) {
    for (FrameListener l : listeners) {
      try {
        l.onFailure(task, e);
      } catch (RuntimeException ex) {
        log.warn("frame listener failed: {}", ex.toString());
      }
    }
  }

  /** Finishes the frames already accepted, then stops the workers and the batcher. */
  @Override
  public void close() {
    workers.shutdown();
    try {
      if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
        log.warn("frames still running after 30 s; stopping anyway");
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      workers.shutdownNow();
    }
    batcher.close();
  }
}
