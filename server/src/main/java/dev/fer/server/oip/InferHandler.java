package dev.fer.server.oip;

import dev.fer.oip.InferParameter;
import dev.fer.oip.ModelInferRequest;
import dev.fer.oip.ModelInferResponse;
import dev.fer.server.core.FaceBatchResult;
import dev.fer.server.core.FaceBatchTask;
import dev.fer.server.core.GeneratorVariant;
import dev.fer.server.core.InferenceEngine;
import dev.fer.server.core.Pipeline;
import dev.fer.server.core.RecognitionException;
import dev.fer.server.core.StageRunner;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One ModelInfer request, for the unary call and the stream alike: resolve the model, read and
 * check the inputs, run the pipeline or the stage on the engine's workers, write the outputs.
 * Everything before the run is checked on the calling thread, so a bad request costs no worker.
 */
final class InferHandler {
  private final InferenceEngine engine;
  private final StageRunner stages;
  private final ModelDirectory models;
  private final OipStatistics statistics;

  InferHandler(InferenceEngine engine, StageRunner stages, ModelDirectory models, OipStatistics statistics) {
    this.engine = engine;
    this.stages = stages;
    this.models = models;
    this.statistics = statistics;
  }

  /** Never throws: a refusal is a failed future carrying a RecognitionException. */
  CompletableFuture<ModelInferResponse> infer(ModelInferRequest request) {
    long started = System.nanoTime();
    OipModel model;
    CompletableFuture<ModelInferResponse> run;
    try {
      model = models.resolve(request.getModelName(), request.getModelVersion());
      Map<String, InputTensor> inputs = InputDecoder.decode(model, request);
      List<OutputEncoder.Requested> outputs = OutputEncoder.requested(model, request);
      run = switch (model.kind()) {
        case PIPELINE -> pipeline(model, inputs, outputs);
        case GENERATOR -> generator(model, inputs.values().iterator().next(), outputs);
        case ENCODER -> encoder(model, inputs, outputs);
        case CLASSIFIER -> classifier(model, inputs.values().iterator().next(), outputs);
      };
    } catch (RecognitionException e) {
      return CompletableFuture.failedFuture(e);
    }
    int batch = request.getInputs(0).getShape(0) > Integer.MAX_VALUE ? 0 : (int) request.getInputs(0).getShape(0);
    return run.handle((response, error) -> {
      String version = response != null ? response.getModelVersion() : ModelDirectory.versionOf(model);
      statistics.record(model.name(), version, batch, error == null, System.nanoTime() - started);
      if (error != null) {
        throw error instanceof RuntimeException r ? r : new java.util.concurrent.CompletionException(error);
      }
      return response.toBuilder().setId(request.getId()).build();
    });
  }

  private CompletableFuture<ModelInferResponse> pipeline(OipModel model, Map<String, InputTensor> inputs,
      List<OutputEncoder.Requested> outputs) {
    Pipeline p = model.pipeline();
    boolean references = OutputEncoder.wants(outputs, PipelineTensors.REFERENCE);
    InputTensor face = inputs.get(PipelineTensors.FACE);
    FaceBatchTask task = face != null
        ? FaceBatchTask.ofTensor(p.name(), model.variant(), face.floats(), face.batch(), references)
        : FaceBatchTask.ofCrops(p.name(), model.variant(), inputs.get(PipelineTensors.IMAGE).bytes(), references);
    return engine.submitFaces(task).thenApply(result -> pipelineResponse(model, result, outputs));
  }

  private static ModelInferResponse pipelineResponse(OipModel model, FaceBatchResult result,
      List<OutputEncoder.Requested> outputs) {
    int n = result.scores().length;
    int classes = result.classes().size();
    float[] scores = new float[n * classes];
    for (int i = 0; i < n; i++) {
      System.arraycopy(result.scores()[i], 0, scores, i * classes, classes);
    }
    var spec = model.pipeline().faceSpec();
    ModelInferResponse.Builder b = response(model, ModelDirectory.versionOf(model.pipeline(), result.variant()))
        .putParameters("variant", InferParameter.newBuilder().setStringParam(result.variant()).build())
        .putParameters("classes", InferParameter.newBuilder().setStringParam(String.join(",", result.classes())).build());
    OutputEncoder.add(b, outputs, PipelineTensors.SCORES, new long[] {n, classes}, scores, result.classes());
    if (result.references() != null) {
      OutputEncoder.add(b, outputs, PipelineTensors.REFERENCE, new long[] {n, 1, spec.height(), spec.width()},
          result.references(), List.of());
    }
    return b.build();
  }

  private CompletableFuture<ModelInferResponse> generator(OipModel model, InputTensor face,
      List<OutputEncoder.Requested> outputs) {
    Pipeline p = model.pipeline();
    return engine.submitWork(() -> {
      GeneratorVariant variant = p.variants().acquire(model.variant(), "");
      try {
        StageRunner.Tensor out = stages.generate(variant, face.floats(), face.shape());
        ModelInferResponse.Builder b = response(model, ModelDirectory.versionOf(p, variant.name()))
            .putParameters("variant", InferParameter.newBuilder().setStringParam(variant.name()).build());
        OutputEncoder.add(b, outputs, model.outputs().get(0).name(), out.shape(), out.values(), List.of());
        return b.build();
      } finally {
        variant.release();
      }
    });
  }

  private CompletableFuture<ModelInferResponse> encoder(OipModel model, Map<String, InputTensor> inputs,
      List<OutputEncoder.Requested> outputs) {
    InputTensor face = inputs.get(model.inputs().get(0).name());
    InputTensor reference = inputs.get(model.inputs().get(1).name());
    return engine.submitWork(() -> {
      StageRunner.Tensor out = stages.encode(model.pipeline(), face.floats(), reference.floats(), face.shape());
      ModelInferResponse.Builder b = response(model, model.variant());
      OutputEncoder.add(b, outputs, model.outputs().get(0).name(), out.shape(), out.values(), List.of());
      return b.build();
    });
  }

  private CompletableFuture<ModelInferResponse> classifier(OipModel model, InputTensor embedding,
      List<OutputEncoder.Requested> outputs) {
    return engine.submitWork(() -> {
      StageRunner.Tensor out = stages.classify(model.pipeline(), embedding.floats(), embedding.shape());
      ModelInferResponse.Builder b = response(model, model.variant());
      OutputEncoder.add(b, outputs, model.outputs().get(0).name(), out.shape(), out.values(),
          model.pipeline().classes());
      return b.build();
    });
  }

  private static ModelInferResponse.Builder response(OipModel model, String version) {
    return ModelInferResponse.newBuilder().setModelName(model.name()).setModelVersion(version);
  }
}
