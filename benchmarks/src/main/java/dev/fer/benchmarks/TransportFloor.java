package dev.fer.benchmarks;

import dev.fer.v1.ClassScore;
import dev.fer.v1.FaceResult;
import dev.fer.v1.RecognitionGrpc;
import dev.fer.v1.RecognizeRequest;
import dev.fer.v1.RecognizeResponse;
import dev.fer.v1.StageTiming;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * What gRPC on this machine costs by itself: a {@code Recognize} service that does no work but
 * holds each frame on a worker thread for as long as the in-process chain takes, then answers
 * with a response of the real size. Its 1-stream latency over the hold time is the transport's
 * and the OS's share (thread wake-ups, loopback), which no server can avoid; what the real
 * server takes beyond this floor is its own.
 */
final class TransportFloor implements AutoCloseable {
  private static final List<String> CLASSES = List.of("anger", "disgust", "fear", "happiness", "neutral", "sadness",
      "surprise");
  private static final List<String> STAGES = List.of("queue", "preprocess", "batch_wait", "generator", "encoder",
      "classifier");

  private final ExecutorService workers = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "floor-worker");
    t.setDaemon(true);
    return t;
  });
  private final Server server;
  private final ManagedChannel channel;
  private volatile long holdNanos;

  TransportFloor() throws Exception {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).directExecutor()
        .addService(new RecognitionGrpc.RecognitionImplBase() {
          @Override
          public StreamObserver<RecognizeRequest> recognize(StreamObserver<RecognizeResponse> out) {
            return new StreamObserver<>() {
              @Override
              public void onNext(RecognizeRequest request) {
                workers.execute(() -> {
                  hold();
                  synchronized (out) {
                    out.onNext(response(request.getFrameId()));
                  }
                });
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {
                workers.execute(() -> {
                  synchronized (out) {
                    out.onCompleted();
                  }
                });
              }
            };
          }
        }).build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().directExecutor().build();
  }

  ManagedChannel channel() {
    return channel;
  }

  /** How long each frame is held: the in-process chain's time, measured just before. */
  void holdFor(long nanos) {
    holdNanos = nanos;
  }

  /** Busy, like a model run: a sleeping thread would let the core idle, which the chain never does. */
  private void hold() {
    long end = System.nanoTime() + holdNanos;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }

  private static RecognizeResponse response(long frameId) {
    FaceResult.Builder face = FaceResult.newBuilder().setLabel("neutral").setConfidence(0.5f);
    for (String c : CLASSES) {
      face.addScores(ClassScore.newBuilder().setLabel(c).setScore(1f / CLASSES.size()));
    }
    RecognizeResponse.Builder r = RecognizeResponse.newBuilder().setFrameId(frameId).setPipeline("fer2013")
        .setVariant("floor").setImageWidth(48).setImageHeight(48).addFaces(face);
    for (String s : STAGES) {
      r.addTimings(StageTiming.newBuilder().setStage(s).setMillis(0));
    }
    return r.build();
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    server.shutdownNow();
    workers.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }
}
