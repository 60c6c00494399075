package dev.fer.benchmarks;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.fer.server.config.ServerConfig;
import dev.fer.server.config.ServerModule;
import dev.fer.server.core.ChainRunner;
import dev.fer.server.core.GeneratorVariant;
import dev.fer.server.core.Pipeline;
import dev.fer.server.core.PipelineLoader;
import dev.fer.spi.FaceSpec;
import dev.fer.spi.FrameInput;
import dev.fer.spi.PreparedFaces;
import dev.fer.spi.Preprocessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.HdrHistogram.Histogram;

/**
 * The physical limit the server is measured against: the same preprocessing and the same ONNX
 * chain, called directly in this process with no RPC, no queues and no threads in between.
 */
final class InProcessChain implements AutoCloseable {
  private final Pipeline pipeline;
  private final GeneratorVariant variant;
  private final Preprocessor preprocessor;
  private final ChainRunner chain;

  InProcessChain(ServerConfig config) throws Exception {
    Injector injector = Guice.createInjector(new ServerModule(config));
    PipelineLoader loader = injector.getInstance(PipelineLoader.class);
    pipeline = loader.load(config.modelsDir().resolve(config.string("default-pipeline")));
    variant = pipeline.variants().get(pipeline.variants().split().active());
    preprocessor = injector.getInstance(Preprocessor.class);
    chain = injector.getInstance(ChainRunner.class);
  }

  String variantName() {
    return variant.name();
  }

  private PreparedFaces prepare(byte[] image, boolean crops) throws Exception {
    FaceSpec spec = pipeline.faceSpec();
    return preprocessor.prepare(FrameInput.encoded(image, List.of(), crops), spec);
  }

  /**
   * Per-frame latency at batch 1 (preprocess + chain) on one thread for {@code seconds}, in
   * microseconds, added to {@code total}; {@code stageUs} gets the same stage split the server
   * reports (preprocess, generator, encoder, classifier).
   */
  void latencyBatch1(List<byte[]> images, boolean crops, double seconds, Histogram total,
      Map<String, Histogram> stageUs) throws Exception {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    for (int i = 0; System.nanoTime() < end; i++) {
      long t0 = System.nanoTime();
      PreparedFaces f = prepare(images.get(i % images.size()), crops);
      long t1 = System.nanoTime();
      ChainRunner.Output out = f.count() > 0 ? chain.run(pipeline, variant, f.tensor(), f.count(), false) : null;
      long t2 = System.nanoTime();
      total.recordValue(Math.max(1, (t2 - t0) / 1000));
      record(stageUs, "preprocess", t1 - t0);
      if (out != null) {
        record(stageUs, "generator", out.generatorNanos());
        record(stageUs, "encoder", out.encoderNanos());
        record(stageUs, "classifier", out.classifierNanos());
      }
    }
  }

  private static void record(Map<String, Histogram> stageUs, String stage, long nanos) {
    stageUs.computeIfAbsent(stage, k -> new Histogram(3_600_000_000L, 3)).recordValue(Math.max(1, nanos / 1000));
  }

  /** Frames per second with {@code threads} threads each preprocessing and running batches. */
  double throughput(List<byte[]> images, boolean crops, int batch, int threads, double seconds) throws Exception {
    int pixels = pipeline.faceSpec().pixels();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Long>> parts = new ArrayList<>();
      long end = System.nanoTime() + (long) (seconds * 1e9);
      for (int t = 0; t < threads; t++) {
        final int offset = t * 7919;
        parts.add(pool.submit(() -> {
          long frames = 0;
          float[] buf = new float[batch * pixels * 4];
          int i = offset;
          while (System.nanoTime() < end) {
            int faces = 0;
            for (int b = 0; b < batch; b++) {
              PreparedFaces f = prepare(images.get(i++ % images.size()), crops);
              int n = Math.min(f.count(), buf.length / pixels - faces);
              System.arraycopy(f.tensor(), 0, buf, faces * pixels, n * pixels);
              faces += n;
            }
            if (faces > 0) {
              chain.run(pipeline, variant, buf, faces, false);
            }
            frames += batch;
          }
          return frames;
        }));
      }
      long total = 0;
      for (Future<Long> f : parts) {
        total += f.get();
      }
      return total / seconds;
    } finally {
      pool.shutdownNow();
    }
  }

  @Override
  public void close() {
    pipeline.close();
  }
}
