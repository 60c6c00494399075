package dev.fer.server.oip;

import dev.fer.server.grpc.GrpcStatuses;

import dev.fer.oip.DataType;
import dev.fer.oip.GRPCInferenceServiceGrpc;
import dev.fer.oip.ModelConfig;
import dev.fer.oip.ModelConfigRequest;
import dev.fer.oip.ModelConfigResponse;
import dev.fer.oip.ModelDynamicBatching;
import dev.fer.oip.ModelInferRequest;
import dev.fer.oip.ModelInferResponse;
import dev.fer.oip.ModelInput;
import dev.fer.oip.ModelMetadataRequest;
import dev.fer.oip.ModelMetadataResponse;
import dev.fer.oip.ModelOutput;
import dev.fer.oip.ModelParameter;
import dev.fer.oip.ModelReadyRequest;
import dev.fer.oip.ModelReadyResponse;
import dev.fer.oip.ModelStatisticsRequest;
import dev.fer.oip.ModelStatisticsResponse;
import dev.fer.oip.ModelStreamInferResponse;
import dev.fer.oip.ServerLiveRequest;
import dev.fer.oip.ServerLiveResponse;
import dev.fer.oip.ServerMetadataRequest;
import dev.fer.oip.ServerMetadataResponse;
import dev.fer.oip.ServerReadyRequest;
import dev.fer.oip.ServerReadyResponse;
import dev.fer.server.core.InferenceEngine;
import dev.fer.server.core.RecognitionException;
import dev.fer.server.core.StageRunner;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The Open Inference Protocol v2 (KServe v2 / Triton) over the same engine as fer.v1: the whole
 * pipeline and each stage are models (see {@link ModelDirectory} for names and versions), with
 * the Triton extensions that stock tools need (model configuration, statistics, streaming).
 */
public final class InferenceService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
  static final String SERVER_NAME = "fer-server";
  /** Largest batch one request may carry (ModelConfig's max_batch_size). */
  static final int MAX_BATCH = 64;

  private final BooleanSupplier ready;
  private final ModelDirectory models;
  private final OipStatistics statistics = new OipStatistics();
  private final InferHandler handler;
  private final int streamWindow;

  /**
   * @param ready true once every pipeline is loaded and warmed (ServerReady)
   * @param streamWindow requests a ModelStreamInfer stream may have in flight
   */
  public InferenceService(InferenceEngine engine, StageRunner stages, BooleanSupplier ready, int streamWindow) {
    this.ready = ready;
    this.models = new ModelDirectory(engine.catalog());
    this.handler = new InferHandler(engine, stages, models, statistics);
    this.streamWindow = streamWindow;
  }

  @Override
  public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> responses) {
    reply(responses, ServerLiveResponse.newBuilder().setLive(true).build());
  }

  @Override
  public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> responses) {
    reply(responses, ServerReadyResponse.newBuilder().setReady(ready.getAsBoolean()).build());
  }

  @Override
  public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> responses) {
    boolean ok = ready.getAsBoolean();
    if (ok) {
      try {
        models.resolve(request.getName(), request.getVersion());
      } catch (RecognitionException e) {
        ok = false;
      }
    }
    reply(responses, ModelReadyResponse.newBuilder().setReady(ok).build());
  }

  @Override
  public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> responses) {
    String version = InferenceService.class.getPackage().getImplementationVersion();
    reply(responses, ServerMetadataResponse.newBuilder()
        .setName(SERVER_NAME)
        .setVersion(version == null ? "dev" : version)
        .addAllExtensions(List.of("classification", "model_configuration", "statistics"))
        .build());
  }

  @Override
  public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> responses) {
    try {
      OipModel m = models.resolve(request.getName(), request.getVersion());
      ModelMetadataResponse.Builder b = ModelMetadataResponse.newBuilder()
          .setName(m.name()).addAllVersions(m.versions()).setPlatform(m.kind().platform());
      for (TensorMeta t : m.inputs()) {
        b.addInputs(tensor(t));
      }
      for (TensorMeta t : m.outputs()) {
        b.addOutputs(tensor(t));
      }
      reply(responses, b.build());
    } catch (RecognitionException e) {
      responses.onError(GrpcStatuses.status(e).asRuntimeException());
    }
  }

  private static ModelMetadataResponse.TensorMetadata tensor(TensorMeta t) {
    return ModelMetadataResponse.TensorMetadata.newBuilder().setName(t.name()).setDatatype(t.datatype())
        .addAllShape(Arrays.stream(t.shape()).boxed().toList()).build();
  }

  /** Triton's model configuration: dims leave out the batch axis, which max_batch_size bounds. */
  @Override
  public void modelConfig(ModelConfigRequest request, StreamObserver<ModelConfigResponse> responses) {
    try {
      OipModel m = models.resolve(request.getName(), request.getVersion());
      ModelConfig.Builder c = ModelConfig.newBuilder()
          .setName(m.name())
          .setPlatform(m.kind().platform())
          .setBackend(m.kind() == OipModel.Kind.PIPELINE ? "fer" : "onnxruntime")
          .setMaxBatchSize(MAX_BATCH)
          .setDynamicBatching(ModelDynamicBatching.getDefaultInstance())
          .putParameters("classes", parameter(String.join(",", m.pipeline().classes())))
          .putParameters("pipeline", parameter(m.pipeline().name()));
      for (TensorMeta t : m.inputs()) {
        c.addInput(ModelInput.newBuilder().setName(t.name()).setDataType(dataType(t))
            .addAllDims(dims(t)).setOptional(m.optionalInputs()));
      }
      for (TensorMeta t : m.outputs()) {
        c.addOutput(ModelOutput.newBuilder().setName(t.name()).setDataType(dataType(t)).addAllDims(dims(t)));
      }
      if (m.kind() == OipModel.Kind.PIPELINE || m.kind() == OipModel.Kind.GENERATOR) {
        for (String variant : m.pipeline().variants().names()) {
          c.putParameters("version." + ModelDirectory.versionOf(m.pipeline(), variant), parameter(variant));
        }
      }
      reply(responses, ModelConfigResponse.newBuilder().setConfig(c).build());
    } catch (RecognitionException e) {
      responses.onError(GrpcStatuses.status(e).asRuntimeException());
    }
  }

  private static ModelParameter parameter(String value) {
    return ModelParameter.newBuilder().setStringValue(value).build();
  }

  private static DataType dataType(TensorMeta t) {
    return t.datatype().equals(TensorMeta.BYTES) ? DataType.TYPE_STRING : DataType.TYPE_FP32;
  }

  private static List<Long> dims(TensorMeta t) {
    return Arrays.stream(t.shape()).skip(1).boxed().toList();
  }

  @Override
  public void modelStatistics(ModelStatisticsRequest request, StreamObserver<ModelStatisticsResponse> responses) {
    try {
      List<OipModel> selected = request.getName().isEmpty() ? models.all()
          : List.of(models.resolve(request.getName(), request.getVersion()));
      ModelStatisticsResponse.Builder b = ModelStatisticsResponse.newBuilder();
      for (OipModel m : selected) {
        List<String> versions = request.getVersion().isEmpty() ? m.versions() : List.of(ModelDirectory.versionOf(m));
        for (String v : versions) {
          b.addModelStats(statistics.of(m.name(), v));
        }
      }
      reply(responses, b.build());
    } catch (RecognitionException e) {
      responses.onError(GrpcStatuses.status(e).asRuntimeException());
    }
  }

  @Override
  public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> responses) {
    ServerCallStreamObserver<ModelInferResponse> call = (ServerCallStreamObserver<ModelInferResponse>) responses;
    handler.infer(request).whenComplete((response, error) -> {
      if (call.isCancelled()) {
        return;
      }
      if (error != null) {
        responses.onError(GrpcStatuses.status(error).asRuntimeException());
      } else {
        responses.onNext(response);
        responses.onCompleted();
      }
    });
  }

  @Override
  public StreamObserver<dev.fer.oip.ModelInferRequest> modelStreamInfer(
      StreamObserver<ModelStreamInferResponse> responses) {
    return new InferStream(handler, (ServerCallStreamObserver<ModelStreamInferResponse>) responses, streamWindow);
  }

  private static <T> void reply(StreamObserver<T> responses, T message) {
    responses.onNext(message);
    responses.onCompleted();
  }
}
