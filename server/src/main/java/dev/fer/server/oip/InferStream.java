package dev.fer.server.oip;

import dev.fer.oip.ModelInferRequest;
import dev.fer.oip.ModelInferResponse;
import dev.fer.oip.ModelStreamInferResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/**
 * ModelStreamInfer: one response per request, in request order. A failed request gets a
 * response with error_message set (and its id) and the stream goes on. At most {@code window}
 * requests are read ahead, so a fast sender is slowed by gRPC flow control, not buffered.
 */
final class InferStream implements StreamObserver<ModelInferRequest> {
  private final InferHandler handler;
  private final ServerCallStreamObserver<ModelStreamInferResponse> call;
  private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

  InferStream(InferHandler handler, ServerCallStreamObserver<ModelStreamInferResponse> call, int window) {
    this.handler = handler;
    this.call = call;
    call.disableAutoRequest();
    call.request(Math.max(1, window));
  }

  @Override
  public void onNext(ModelInferRequest request) {
    CompletableFuture<ModelStreamInferResponse> result = handler.infer(request).handle((response, error) ->
        error == null
            ? ModelStreamInferResponse.newBuilder().setInferResponse(response).build()
            : ModelStreamInferResponse.newBuilder().setErrorMessage(OipErrors.message(error))
                .setInferResponse(ModelInferResponse.newBuilder().setId(request.getId())
                    .setModelName(request.getModelName()).setModelVersion(request.getModelVersion()))
                .build());
    synchronized (this) {
      tail = tail.thenCompose(v -> result).thenAccept(this::send);
    }
  }

  private void send(ModelStreamInferResponse response) {
    if (call.isCancelled()) {
      return;
    }
    try {
      call.onNext(response);
      call.request(1);
    } catch (RuntimeException e) {
      // The call went away between the check and the send; nothing is left to tell.
    }
  }

  @Override
  public void onError(Throwable t) {
    // The client cancelled or broke the stream; queued requests finish and are dropped.
  }

  @Override
  public synchronized void onCompleted() {
    tail.whenComplete((v, e) -> {
      if (!call.isCancelled()) {
        call.onCompleted();
      }
    });
  }
}
