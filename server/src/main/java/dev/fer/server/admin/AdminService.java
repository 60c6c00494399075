package dev.fer.server.admin;

import dev.fer.server.core.PipelineCatalog;
import dev.fer.server.core.RecognitionException;
import dev.fer.server.core.TrafficSplit;
import dev.fer.server.core.VariantManager;
import dev.fer.server.core.VariantStatus;
import dev.fer.server.grpc.GrpcStatuses;
import dev.fer.server.metrics.PipelineReport;
import dev.fer.server.metrics.ShadowAgreementReport;
import dev.fer.server.metrics.StageLatencyReport;
import dev.fer.server.metrics.VariantMetrics;
import dev.fer.server.metrics.VariantReport;
import dev.fer.v1.AdminGrpc;
import dev.fer.v1.GetStatsRequest;
import dev.fer.v1.GetStatsResponse;
import dev.fer.v1.LatencyBucket;
import dev.fer.v1.ListVariantsRequest;
import dev.fer.v1.ListVariantsResponse;
import dev.fer.v1.LoadVariantRequest;
import dev.fer.v1.Routing;
import dev.fer.v1.SetActiveVariantRequest;
import dev.fer.v1.SetShadowRequest;
import dev.fer.v1.SetTrafficSplitRequest;
import dev.fer.v1.ShadowAgreement;
import dev.fer.v1.StageLatency;
import dev.fer.v1.UnloadVariantRequest;
import dev.fer.v1.VariantState;
import dev.fer.v1.VariantStats;
import io.grpc.stub.StreamObserver;
import java.util.List;

/** fer.v1.Admin over the variant manager and the metrics; all logic lives in those. */
public final class AdminService extends AdminGrpc.AdminImplBase {
  private final VariantManager manager;
  private final VariantMetrics metrics;

  public AdminService(VariantManager manager, VariantMetrics metrics) {
    this.manager = manager;
    this.metrics = metrics;
  }

  /** One admin call: its answer, or its refusal as a gRPC status. */
  private interface Call<T> {
    T run() throws RecognitionException;
  }

  private static <T> void answer(StreamObserver<T> out, Call<T> call) {
    T value;
    try {
      value = call.run();
    } catch (RecognitionException | RuntimeException e) {
      out.onError(GrpcStatuses.status(e).asRuntimeException());
      return;
    }
    out.onNext(value);
    out.onCompleted();
  }

  private PipelineCatalog catalog() {
    return manager.catalog();
  }

  private String pipelineName(String requested) throws RecognitionException {
    return catalog().get(requested).name();
  }

  @Override
  public void listVariants(ListVariantsRequest request, StreamObserver<ListVariantsResponse> out) {
    answer(out, () -> {
      String pipeline = pipelineName(request.getPipeline());
      ListVariantsResponse.Builder b = ListVariantsResponse.newBuilder().setPipeline(pipeline)
          .setRouting(routing(pipeline, catalog().get(pipeline).variants().split()));
      manager.list(pipeline).forEach(s -> b.addVariants(status(s)));
      return b.build();
    });
  }

  @Override
  public void loadVariant(LoadVariantRequest request, StreamObserver<dev.fer.v1.VariantStatus> out) {
    // Answered when the variant is ready or refused; the loading runs off the gRPC threads.
    manager.load(request.getPipeline(), request.getPath(), request.getActivate()).whenComplete((status, error) -> {
      if (error != null) {
        out.onError(GrpcStatuses.status(error).asRuntimeException());
      } else {
        out.onNext(status(status));
        out.onCompleted();
      }
    });
  }

  @Override
  public void unloadVariant(UnloadVariantRequest request, StreamObserver<dev.fer.v1.VariantStatus> out) {
    answer(out, () -> status(manager.unload(request.getPipeline(), request.getVariant())));
  }

  @Override
  public void setActiveVariant(SetActiveVariantRequest request, StreamObserver<Routing> out) {
    answer(out, () -> routing(pipelineName(request.getPipeline()),
        manager.activate(request.getPipeline(), request.getVariant())));
  }

  @Override
  public void setTrafficSplit(SetTrafficSplitRequest request, StreamObserver<Routing> out) {
    answer(out, () -> routing(pipelineName(request.getPipeline()),
        manager.split(request.getPipeline(), request.getWeightsMap())));
  }

  @Override
  public void setShadow(SetShadowRequest request, StreamObserver<Routing> out) {
    answer(out, () -> routing(pipelineName(request.getPipeline()),
        manager.shadow(request.getPipeline(), request.getVariant())));
  }

  @Override
  public void getStats(GetStatsRequest request, StreamObserver<GetStatsResponse> out) {
    answer(out, () -> {
      String pipeline = pipelineName(request.getPipeline());
      PipelineReport report = metrics.report(pipeline, pipeline.equals(catalog().defaultName()));
      List<String> wanted = request.getVariantsList();
      GetStatsResponse.Builder b = GetStatsResponse.newBuilder().setPipeline(pipeline)
          .putAllFailedFrames(report.failedFrames());
      for (VariantReport v : report.variants()) {
        if (wanted.isEmpty() || wanted.contains(v.variant())) {
          b.addVariants(stats(pipeline, v));
        }
      }
      for (ShadowAgreementReport s : report.shadows()) {
        if (wanted.isEmpty() || wanted.contains(s.primary()) || wanted.contains(s.shadow())) {
          b.addShadows(ShadowAgreement.newBuilder().setPipeline(pipeline).setPrimary(s.primary())
              .setShadow(s.shadow()).setComparedFaces(s.comparedFaces()).setAgreeingFaces(s.agreeingFaces())
              .setAgreementRate(s.agreementRate()));
        }
      }
      return b.build();
    });
  }

  static Routing routing(String pipeline, TrafficSplit split) {
    return Routing.newBuilder().setPipeline(pipeline).setActive(split.active() == null ? "" : split.active())
        .putAllWeights(split.weights()).setShadow(split.shadow()).build();
  }

  static dev.fer.v1.VariantStatus status(VariantStatus s) {
    return dev.fer.v1.VariantStatus.newBuilder().setPipeline(s.pipeline()).setVariant(s.variant())
        .setVersion(s.version()).setPath(s.path()).setState(state(s.state())).setReason(s.reason())
        .setInFlight(Math.max(0, s.inFlight())).build();
  }

  private static VariantState state(dev.fer.server.core.VariantState s) {
    return switch (s) {
      case LOADING -> VariantState.VARIANT_LOADING;
      case WARMING -> VariantState.VARIANT_WARMING;
      case READY -> VariantState.VARIANT_READY;
      case DRAINING -> VariantState.VARIANT_DRAINING;
      case UNLOADED -> VariantState.VARIANT_UNLOADED;
      case FAILED -> VariantState.VARIANT_FAILED;
    };
  }

  private static VariantStats stats(String pipeline, VariantReport v) {
    VariantStats.Builder b = VariantStats.newBuilder().setPipeline(pipeline).setVariant(v.variant())
        .setFramesServed(v.framesServed()).setFramesShadowed(v.framesShadowed()).setFaces(v.faces())
        .putAllLabelCounts(v.labelCounts()).setMeanTop1Confidence(v.meanConfidence())
        .setLabelledFrames(v.labelledFrames()).setCorrectFrames(v.correctFrames()).setAccuracy(v.accuracy());
    for (StageLatencyReport l : v.latency().values()) {
      StageLatency.Builder s = StageLatency.newBuilder().setStage(l.stage()).setCount(l.count())
          .setMeanMs(l.meanMs()).setP50Ms(l.percentileMs(0.5)).setP90Ms(l.percentileMs(0.9))
          .setP99Ms(l.percentileMs(0.99));
      for (int i = 0; i < l.counts().length; i++) {
        s.addBuckets(LatencyBucket.newBuilder().setLeMs(l.upperBoundsMs()[i]).setCount(l.counts()[i]));
      }
      b.addLatency(s);
    }
    return b.build();
  }
}
