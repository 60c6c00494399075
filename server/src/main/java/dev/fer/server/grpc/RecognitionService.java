package dev.fer.server.grpc;

import dev.fer.server.core.GeneratorVariant;
import dev.fer.server.core.InferenceEngine;
import dev.fer.server.core.Pipeline;
import dev.fer.server.core.RecognitionException;
import dev.fer.v1.GetPipelineRequest;
import dev.fer.v1.ListPipelinesRequest;
import dev.fer.v1.ListPipelinesResponse;
import dev.fer.v1.ModelInfo;
import dev.fer.v1.RecognitionGrpc;
import dev.fer.v1.RecognizeRequest;
import dev.fer.v1.RecognizeResponse;
import dev.fer.spi.ModelVersion;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/** fer.v1.Recognition over the inference engine. */
public final class RecognitionService extends RecognitionGrpc.RecognitionImplBase {
  private final InferenceEngine engine;
  private final int streamWindow;
  private final java.util.concurrent.atomic.AtomicInteger openStreams = new java.util.concurrent.atomic.AtomicInteger();

  public RecognitionService(InferenceEngine engine, int streamWindow) {
    this.engine = engine;
    this.streamWindow = streamWindow;
  }

  @Override
  public StreamObserver<RecognizeRequest> recognize(StreamObserver<RecognizeResponse> responses) {
    openStreams.incrementAndGet();
    return new RecognizeStream(engine, (ServerCallStreamObserver<RecognizeResponse>) responses, streamWindow,
        openStreams::decrementAndGet);
  }

  /** Streams that hold server resources right now (ended and cancelled ones do not). */
  public int openStreams() {
    return openStreams.get();
  }

  @Override
  public void recognizeImage(RecognizeRequest request, StreamObserver<RecognizeResponse> responses) {
    ServerCallStreamObserver<RecognizeResponse> call = (ServerCallStreamObserver<RecognizeResponse>) responses;
    try {
      engine.submit(ProtoMapping.task(request, "", call::isCancelled)).whenComplete((result, error) -> {
        if (call.isCancelled()) {
          return;
        }
        if (error != null) {
          responses.onError(GrpcStatuses.status(error).asRuntimeException());
        } else {
          responses.onNext(ProtoMapping.response(request.getFrameId(), result));
          responses.onCompleted();
        }
      });
    } catch (RecognitionException e) {
      responses.onError(GrpcStatuses.status(e).asRuntimeException());
    }
  }

  @Override
  public void listPipelines(ListPipelinesRequest request, StreamObserver<ListPipelinesResponse> responses) {
    ListPipelinesResponse.Builder b = ListPipelinesResponse.newBuilder()
        .setDefaultPipeline(engine.catalog().defaultName());
    for (Pipeline p : engine.catalog().all()) {
      b.addPipelines(describe(p));
    }
    responses.onNext(b.build());
    responses.onCompleted();
  }

  @Override
  public void getPipeline(GetPipelineRequest request, StreamObserver<dev.fer.v1.Pipeline> responses) {
    try {
      responses.onNext(describe(engine.catalog().get(request.getName())));
      responses.onCompleted();
    } catch (RecognitionException e) {
      responses.onError(GrpcStatuses.status(e).asRuntimeException());
    }
  }

  private dev.fer.v1.Pipeline describe(Pipeline p) {
    dev.fer.v1.Pipeline.Builder b = dev.fer.v1.Pipeline.newBuilder()
        .setName(p.name())
        .addAllClasses(p.classes())
        .setInputWidth(p.faceSpec().width())
        .setInputHeight(p.faceSpec().height())
        .addAllVariants(p.variants().names())
        .setActiveVariant(p.variants().split().active());
    b.addModels(ModelInfo.newBuilder().setStage("preprocess").setName(engine.preprocessor().description()));
    for (GeneratorVariant v : p.variants().all()) {
      b.addModels(info("generator", v.model()).setVariant(v.name()));
    }
    b.addModels(info("encoder", p.encoderModel()));
    b.addModels(info("classifier", p.classifierModel()));
    return b.build();
  }

  private static ModelInfo.Builder info(String stage, ModelVersion m) {
    return ModelInfo.newBuilder().setStage(stage).setName(m.card().name() == null ? m.stageName() : m.card().name())
        .setVersion(m.version()).setCardJson(m.card().json());
  }
}
