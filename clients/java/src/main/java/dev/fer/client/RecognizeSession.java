package dev.fer.client;

import dev.fer.v1.RecognitionGrpc;
import dev.fer.v1.RecognizeRequest;
import dev.fer.v1.RecognizeResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One {@code Recognize} stream with blocking helpers: {@link #send} waits while
 * {@code maxInFlight} frames are unanswered (so a client never floods the server), and
 * {@link #next} returns responses in frame order.
 */
public final class RecognizeSession implements AutoCloseable {
  private static final RecognizeResponse END = RecognizeResponse.getDefaultInstance();

  private final BlockingQueue<RecognizeResponse> responses = new LinkedBlockingQueue<>();
  private final Semaphore inFlight;
  private final ClientCallStreamObserver<RecognizeRequest> requests;
  private volatile Throwable failure;

  RecognizeSession(RecognitionGrpc.RecognitionStub stub, int maxInFlight) {
    this.inFlight = new Semaphore(maxInFlight);
    Holder holder = new Holder();
    stub.recognize(holder);
    this.requests = holder.requests;
  }

  private final class Holder implements ClientResponseObserver<RecognizeRequest, RecognizeResponse> {
    ClientCallStreamObserver<RecognizeRequest> requests;

    @Override
    public void beforeStart(ClientCallStreamObserver<RecognizeRequest> stream) {
      requests = stream;
    }

    @Override
    public void onNext(RecognizeResponse value) {
      inFlight.release(1 + value.getDroppedFrameIdsCount());
      responses.add(value);
    }

    @Override
    public void onError(Throwable t) {
      failure = t;
      inFlight.release(Integer.MAX_VALUE / 2);
      responses.add(END);
    }

    @Override
    public void onCompleted() {
      responses.add(END);
    }
  }

  /** Sends a frame, waiting while too many are unanswered. */
  public void send(RecognizeRequest request) throws InterruptedException {
    inFlight.acquire();
    throwIfFailed();
    synchronized (requests) {
      requests.onNext(request);
    }
  }

  /** Ends the request side; responses still come until {@link #next} returns null. */
  public void finish() {
    synchronized (requests) {
      requests.onCompleted();
    }
  }

  /** The next response in frame order, or null when the stream has ended. */
  public RecognizeResponse next(long timeout, TimeUnit unit) throws InterruptedException {
    RecognizeResponse r = responses.poll(timeout, unit);
    if (r == null) {
      throw new StatusRuntimeException(Status.DEADLINE_EXCEEDED.withDescription("no response within " + timeout + " " + unit));
    }
    if (r == END) {
      responses.add(END);
      throwIfFailed();
      return null;
    }
    return r;
  }

  private void throwIfFailed() {
    Throwable f = failure;
    if (f instanceof StatusRuntimeException s) {
      throw s;
    }
    if (f != null) {
      throw Status.fromThrowable(f).asRuntimeException();
    }
  }

  /** Cancels the stream (the server frees what it held for it). */
  public void cancel() {
    requests.cancel("client cancelled", null);
  }

  @Override
  public void close() {
    cancel();
  }
}
