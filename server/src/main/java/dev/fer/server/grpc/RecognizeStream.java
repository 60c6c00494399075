package dev.fer.server.grpc;

import dev.fer.server.core.InferenceEngine;
import dev.fer.server.core.RecognitionException;
import dev.fer.v1.DropPolicy;
import dev.fer.v1.RecognizeRequest;
import dev.fer.v1.RecognizeResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One {@code Recognize} stream. Frames run concurrently on the engine, responses leave in arrival
 * order. Flow control keeps memory bounded: at most {@code window} frames of a stream are in the
 * server at once. With BLOCK, the next frame is read only when a response has been sent, so a slow
 * server slows the client down through gRPC flow control. With LATEST, frames keep being read and
 * a stale frame that has not started yet is replaced by the newer one; its id is reported.
 */
final class RecognizeStream implements StreamObserver<RecognizeRequest> {
  /** A frame handed to the engine; {@code response} is set when it is done. */
  private static final class Slot {
    RecognizeResponse response;
  }

  private final InferenceEngine engine;
  private final ServerCallStreamObserver<RecognizeResponse> out;
  private final int window;
  private final String streamKey = UUID.randomUUID().toString();
  private final Object lock = new Object();
  private final ArrayDeque<Slot> inOrder = new ArrayDeque<>();
  private final List<Long> dropped = new ArrayList<>();
  private RecognizeRequest waiting;
  private DropPolicy policy = DropPolicy.BLOCK;
  private boolean first = true;
  private boolean halfClosed;
  private boolean finished;
  private volatile boolean cancelled;

  private final Runnable onClose;

  RecognizeStream(InferenceEngine engine, ServerCallStreamObserver<RecognizeResponse> out, int window,
      Runnable onClose) {
    this.engine = engine;
    this.onClose = onClose;
    this.out = out;
    this.window = window;
    out.disableAutoRequest();
    out.setOnReadyHandler(this::drain);
    out.setOnCancelHandler(this::cancel);
    out.request(window);
  }

  @Override
  public void onNext(RecognizeRequest request) {
    synchronized (lock) {
      if (cancelled || finished) {
        return;
      }
      if (first) {
        first = false;
        if (request.getStreamOptions().getDropPolicy() == DropPolicy.LATEST) {
          policy = DropPolicy.LATEST;
        }
      }
      if (policy == DropPolicy.LATEST) {
        if (inOrder.size() < window) {
          submit(request);
        } else {
          if (waiting != null) {
            dropped.add(waiting.getFrameId());
          }
          waiting = request;
        }
        out.request(1);
      } else {
        submit(request);
      }
    }
  }

  /** Called with the lock held. */
  private void submit(RecognizeRequest request) {
    Slot slot = new Slot();
    inOrder.add(slot);
    long frameId = request.getFrameId();
    try {
      engine.submit(ProtoMapping.task(request, streamKey, () -> cancelled)).whenComplete((result, error) -> {
        RecognizeResponse response = error == null
            ? ProtoMapping.response(frameId, result)
            : ProtoMapping.error(frameId, error);
        synchronized (lock) {
          slot.response = response;
        }
        drain();
      });
    } catch (RecognitionException e) {
      slot.response = ProtoMapping.error(frameId, e);
      drain();
    }
  }

  private void drain() {
    synchronized (lock) {
      if (cancelled || finished) {
        return;
      }
      while (!inOrder.isEmpty() && inOrder.peek().response != null && out.isReady()) {
        RecognizeResponse response = inOrder.poll().response;
        if (!dropped.isEmpty()) {
          response = response.toBuilder().addAllDroppedFrameIds(dropped).build();
          dropped.clear();
        }
        out.onNext(response);
        if (policy == DropPolicy.LATEST) {
          if (waiting != null) {
            RecognizeRequest next = waiting;
            waiting = null;
            submit(next);
          }
        } else if (!halfClosed) {
          out.request(1);
        }
      }
      if (halfClosed && inOrder.isEmpty() && waiting == null) {
        finished = true;
        out.onCompleted();
        onClose.run();
      }
    }
  }

  private void cancel() {
    synchronized (lock) {
      if (cancelled) {
        return;
      }
      if (!finished) {
        onClose.run();
      }
      cancelled = true;
      inOrder.clear();
      waiting = null;
    }
  }

  @Override
  public void onError(Throwable t) {
    cancel();
  }

  @Override
  public void onCompleted() {
    synchronized (lock) {
      halfClosed = true;
      if (policy == DropPolicy.LATEST && waiting != null && inOrder.size() < window) {
        RecognizeRequest next = waiting;
        waiting = null;
        submit(next);
      }
    }
    drain();
  }


}
