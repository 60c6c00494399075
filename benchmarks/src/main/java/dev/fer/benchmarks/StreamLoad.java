package dev.fer.benchmarks;

import com.google.protobuf.ByteString;
import dev.fer.v1.DropPolicy;
import dev.fer.v1.EncodedImage;
import dev.fer.v1.Image;
import dev.fer.v1.RecognitionGrpc;
import dev.fer.v1.RecognizeRequest;
import dev.fer.v1.RecognizeResponse;
import dev.fer.v1.StageTiming;
import dev.fer.v1.StreamOptions;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;

/**
 * N concurrent {@code Recognize} streams, flat out (each keeps {@code window} frames in flight) or
 * paced at a frame rate; per-frame latency from send to response, in microseconds.
 */
final class StreamLoad {
  /**
   * stageUs: the server's own per-frame stage times (queue, preprocess, batch_wait, generator,
   * encoder, classifier, and "in_server", their sum) as the responses report them, so the
   * latency can be split into what the server spent on a frame and what the transport took.
   */
  record Result(int streams, double fps, double seconds, long frames, long errors, long outOfOrder, long dropped,
      Histogram latencyUs, List<String> sampleErrors, Map<String, Histogram> stageUs) {

    /** Rounds of the same phase as one: counts and times add up, histograms merge. */
    static Result pooled(List<Result> rounds) {
      Histogram latency = new Histogram(3);
      Map<String, Histogram> stages = new TreeMap<>();
      List<String> samples = new ArrayList<>();
      long frames = 0;
      long errors = 0;
      long outOfOrder = 0;
      long dropped = 0;
      double seconds = 0;
      for (Result r : rounds) {
        latency.add(r.latencyUs());
        r.stageUs().forEach((k, v) -> stages.computeIfAbsent(k, x -> new Histogram(3)).add(v));
        r.sampleErrors().stream().limit(3 - samples.size()).forEach(samples::add);
        frames += r.frames();
        errors += r.errors();
        outOfOrder += r.outOfOrder();
        dropped += r.dropped();
        seconds += r.seconds();
      }
      return new Result(rounds.get(0).streams(), frames / seconds, seconds, frames, errors, outOfOrder, dropped,
          latency, List.copyOf(samples), stages);
    }
  }

  private final List<ManagedChannel> channels;
  private final List<RecognizeRequest> frames = new ArrayList<>();

  StreamLoad(List<ManagedChannel> channels, List<byte[]> images, boolean crops) {
    this.channels = channels;
    for (byte[] img : images) {
      frames.add(RecognizeRequest.newBuilder().setFaceCrop(crops)
          .setImage(Image.newBuilder().setEncoded(EncodedImage.newBuilder().setData(ByteString.copyFrom(img)))).build());
    }
  }

  Result run(int streams, double targetFps, int window, double seconds) throws InterruptedException {
    return run(streams, targetFps, window, seconds, DropPolicy.BLOCK);
  }

  /**
   * With {@link DropPolicy#LATEST} the server drops stale frames when it falls behind and names
   * them in the next response; those are counted as dropped, not as answered.
   */
  Result run(int streams, double targetFps, int window, double seconds, DropPolicy policy)
      throws InterruptedException {
    Recorder recorder = new Recorder(3);
    ConcurrentHashMap<String, Recorder> stages = new ConcurrentHashMap<>();
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong outOfOrder = new AtomicLong();
    AtomicLong dropped = new AtomicLong();
    CountDownLatch finished = new CountDownLatch(streams);
    List<String> sampleErrors = java.util.Collections.synchronizedList(new ArrayList<>());
    ScheduledExecutorService pacer = Executors.newScheduledThreadPool(2);
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    for (int s = 0; s < streams; s++) {
      final int stream = s;
      RecognitionGrpc.RecognitionStub stub = RecognitionGrpc.newStub(channels.get(s % channels.size()));
      ConcurrentHashMap<Long, Long> sentAt = new ConcurrentHashMap<>();
      var observer = new ClientResponseObserver<RecognizeRequest, RecognizeResponse>() {
        ClientCallStreamObserver<RecognizeRequest> out;
        long next;
        long lastId = -1;
        boolean closed;

        @Override
        public void beforeStart(ClientCallStreamObserver<RecognizeRequest> requests) {
          out = requests;
        }

        /** Only once the call has started: onNext before that is refused by gRPC. */
        void begin() {
          if (targetFps > 0) {
            long periodNanos = (long) (1e9 / targetFps);
            long phase = (long) (Math.random() * periodNanos);
            pacer.scheduleAtFixedRate(this::sendPaced, phase, periodNanos, TimeUnit.NANOSECONDS);
          } else {
            synchronized (this) {
              for (int i = 0; i < window; i++) {
                sendOne();
              }
            }
          }
        }

        private synchronized void sendPaced() {
          if (closed) {
            return;
          }
          if (System.nanoTime() >= end) {
            closed = true;
            out.onCompleted();
            return;
          }
          if (sentAt.size() < 64) {
            sendOne();
          }
        }

        private void sendOne() {
          long id = next++;
          sentAt.put(id, System.nanoTime());
          RecognizeRequest.Builder frame = frames.get((int) ((id + stream * 31L) % frames.size())).toBuilder().setFrameId(id);
          if (id == 0 && policy != DropPolicy.BLOCK) {
            frame.setStreamOptions(StreamOptions.newBuilder().setDropPolicy(policy));
          }
          out.onNext(frame.build());
        }

        @Override
        public void onNext(RecognizeResponse r) {
          for (long id : r.getDroppedFrameIdsList()) {
            if (sentAt.remove(id) != null) {
              dropped.incrementAndGet();
            }
          }
          Long t = sentAt.remove(r.getFrameId());
          if (t != null) {
            recorder.recordValue(Math.max(1, (System.nanoTime() - t) / 1000));
          }
          if (r.getTimingsCount() > 0) {
            double inServer = 0;
            for (StageTiming st : r.getTimingsList()) {
              stages.computeIfAbsent(st.getStage(), k -> new Recorder(3)).recordValue(micros(st.getMillis()));
              inServer += st.getMillis();
            }
            stages.computeIfAbsent("in_server", k -> new Recorder(3)).recordValue(micros(inServer));
          }
          if (r.getFrameId() <= lastId) {
            outOfOrder.incrementAndGet();
          }
          lastId = r.getFrameId();
          if (r.hasError()) {
            errors.incrementAndGet();
            if (sampleErrors.size() < 3) {
              sampleErrors.add("frame " + r.getFrameId() + ": " + r.getError().getCode() + " " + r.getError().getMessage());
            }
          }
          done.incrementAndGet();
          if (targetFps <= 0) {
            synchronized (this) {
              if (closed) {
                return;
              }
              if (System.nanoTime() >= end) {
                closed = true;
                out.onCompleted();
              } else {
                sendOne();
              }
            }
          }
        }

        @Override
        public void onError(Throwable t) {
          errors.incrementAndGet();
          if (sampleErrors.size() < 3) {
            sampleErrors.add("stream: " + t);
          }
          finished.countDown();
        }

        @Override
        public void onCompleted() {
          finished.countDown();
        }
      };
      stub.recognize(observer);
      observer.begin();
    }
    boolean allDone = finished.await((long) seconds + 60, TimeUnit.SECONDS);
    pacer.shutdownNow();
    double elapsed = (System.nanoTime() - start) / 1e9;
    if (!allDone) {
      errors.addAndGet(finished.getCount());
      sampleErrors.add(finished.getCount() + " streams did not finish within " + ((long) seconds + 60) + " s");
    }
    Map<String, Histogram> stageUs = new TreeMap<>();
    stages.forEach((k, v) -> stageUs.put(k, v.getIntervalHistogram()));
    return new Result(streams, done.get() / elapsed, elapsed, done.get(), errors.get(), outOfOrder.get(), dropped.get(),
        recorder.getIntervalHistogram(), List.copyOf(sampleErrors), stageUs);
  }

  private static long micros(double millis) {
    return Math.max(1, Math.round(millis * 1000));
  }
}
