package dev.fer.server.oip;

import dev.fer.server.core.GeneratorVariant;
import dev.fer.server.core.Pipeline;
import dev.fer.server.core.PipelineCatalog;
import dev.fer.server.core.RecognitionException;
import dev.fer.spi.FaceSpec;
import dev.fer.spi.ModelCard;
import java.util.ArrayList;
import java.util.List;

/**
 * Names the protocol's models after the pipelines being served:
 * <ul>
 *   <li>{@code fer} (the default pipeline) and {@code <pipeline>}: the whole pipeline, face or
 *       face-crop image in, class scores and reference face out;
 *   <li>{@code <pipeline>.generator}, {@code .encoder}, {@code .classifier}: one stage each,
 *       with the tensor names of its model card ({@code fer.<stage>} for the default pipeline).
 * </ul>
 * Versions of the pipeline and generator models are the generator variants: version N is the
 * N-th entry of pipeline.json's "generators" (a variant name such as "vae" is accepted too); no
 * version means the pipeline's routing (active variant or traffic split). The encoder and
 * classifier have the version of their folder.
 */
final class ModelDirectory {
  static final String DEFAULT_MODEL = "fer";
  static final String GENERATOR = "generator";
  static final String ENCODER = "encoder";
  static final String CLASSIFIER = "classifier";

  private final PipelineCatalog catalog;

  ModelDirectory(PipelineCatalog catalog) {
    this.catalog = catalog;
  }

  /** Every model listed by {@link #modelNames()}, at its default version. */
  List<OipModel> all() throws RecognitionException {
    List<OipModel> models = new ArrayList<>();
    for (String name : modelNames()) {
      models.add(resolve(name, ""));
    }
    return models;
  }

  /** The model and version a request names; NOT_FOUND says what exists instead. */
  OipModel resolve(String name, String version) throws RecognitionException {
    if (name == null || name.isEmpty()) {
      throw notFound("the request names no model; models: " + modelNames());
    }
    int dot = name.lastIndexOf('.');
    String stage = dot < 0 ? "" : name.substring(dot + 1);
    boolean isStage = stage.equals(GENERATOR) || stage.equals(ENCODER) || stage.equals(CLASSIFIER);
    String pipelineName = isStage ? name.substring(0, dot) : name;
    Pipeline pipeline = pipeline(pipelineName, name);
    version = version == null ? "" : version;
    if (!isStage) {
      return pipelineModel(name, pipeline, variantOf(name, pipeline, version));
    }
    return switch (stage) {
      case GENERATOR -> generatorModel(name, pipeline, variantOf(name, pipeline, version));
      case ENCODER -> encoderModel(name, pipeline, folderVersion(name, pipeline.encoderModel().version(), version));
      default -> classifierModel(name, pipeline, folderVersion(name, pipeline.classifierModel().version(), version));
    };
  }

  private Pipeline pipeline(String pipelineName, String modelName) throws RecognitionException {
    try {
      return catalog.get(pipelineName.equals(DEFAULT_MODEL) && !catalog.names().contains(DEFAULT_MODEL)
          ? "" : pipelineName);
    } catch (RecognitionException e) {
      if (e.kind() != RecognitionException.Kind.NOT_FOUND) {
        throw e;
      }
      throw notFound("no model '" + modelName + "'; models: " + modelNames());
    }
  }

  /**
   * The variant a version names: "" (routing), the 1-based position of a generator in
   * pipeline.json's "generators", or a ready variant's name.
   */
  static String variantOf(String model, Pipeline pipeline, String version) throws RecognitionException {
    if (version.isEmpty() || pipeline.variants().get(version) != null) {
      return version;
    }
    for (GeneratorVariant v : pipeline.variants().all()) {
      if (version.equals(versionOf(pipeline, v.name()))) {
        return v.name();
      }
    }
    throw notFound("model '" + model + "' has no version '" + version + "'; versions: " + versions(pipeline)
        + " (the generators of pipeline.json in order: " + pipeline.spec().generators()
        + "), or a variant name: " + pipeline.variants().names());
  }

  /**
   * The version number of a variant: its 1-based position in pipeline.json's "generators"
   * (numbers, since perf_analyzer and Triton tools read versions as integers); a variant loaded
   * from elsewhere keeps its name.
   */
  static String versionOf(Pipeline pipeline, String variant) {
    GeneratorVariant v = pipeline.variants().get(variant);
    int index = v == null ? -1 : pipeline.spec().generators().indexOf(v.model().stageName());
    return index < 0 ? variant : String.valueOf(index + 1);
  }

  /** The version a request on this model is accounted to; routing counts as the active variant. */
  static String versionOf(OipModel model) {
    if (model.kind() == OipModel.Kind.PIPELINE || model.kind() == OipModel.Kind.GENERATOR) {
      Pipeline p = model.pipeline();
      return versionOf(p, model.variant().isEmpty() ? p.variants().split().active() : model.variant());
    }
    return model.variant();
  }

  /** Versions of the ready variants, in pipeline.json order. */
  static List<String> versions(Pipeline pipeline) {
    List<String> versions = new ArrayList<>();
    for (String stage : pipeline.spec().generators()) {
      for (GeneratorVariant v : pipeline.variants().all()) {
        if (v.model().stageName().equals(stage)) {
          versions.add(versionOf(pipeline, v.name()));
        }
      }
    }
    for (String name : pipeline.variants().names()) {
      if (!versions.contains(versionOf(pipeline, name))) {
        versions.add(versionOf(pipeline, name));
      }
    }
    return versions;
  }

  private static String folderVersion(String model, String actual, String version) throws RecognitionException {
    if (version.isEmpty() || version.equals(actual)) {
      return actual;
    }
    throw notFound("model '" + model + "' has no version '" + version + "'; versions: [" + actual + "]");
  }

  private static OipModel pipelineModel(String name, Pipeline p, String variant) {
    FaceSpec f = p.faceSpec();
    return new OipModel(name, OipModel.Kind.PIPELINE, p, versions(p), variant,
        List.of(TensorMeta.fp32(PipelineTensors.FACE, -1, 1, f.height(), f.width()),
            TensorMeta.bytes(PipelineTensors.IMAGE, -1, 1)),
        List.of(TensorMeta.fp32(PipelineTensors.SCORES, -1, p.classes().size()),
            TensorMeta.fp32(PipelineTensors.REFERENCE, -1, 1, f.height(), f.width())),
        true);
  }

  private static OipModel generatorModel(String name, Pipeline p, String variant) {
    FaceSpec f = p.faceSpec();
    GeneratorVariant v = p.variants().get(variant.isEmpty() ? p.variants().split().active() : variant);
    ModelCard card = v != null ? v.model().card() : p.encoderModel().card();
    return new OipModel(name, OipModel.Kind.GENERATOR, p, versions(p), variant,
        List.of(TensorMeta.fp32(nameOr(card.inputName(0), "face"), -1, 1, f.height(), f.width())),
        List.of(TensorMeta.fp32(nameOr(card.outputName(0), "reference"), -1, 1, f.height(), f.width())),
        false);
  }

  private static OipModel encoderModel(String name, Pipeline p, String version) {
    FaceSpec f = p.faceSpec();
    ModelCard card = p.encoderModel().card();
    return new OipModel(name, OipModel.Kind.ENCODER, p, List.of(version), version,
        List.of(TensorMeta.fp32(nameOr(card.inputName(0), "face"), -1, 1, f.height(), f.width()),
            TensorMeta.fp32(nameOr(card.inputName(1), "reference"), -1, 1, f.height(), f.width())),
        List.of(TensorMeta.fp32(nameOr(card.outputName(0), "embedding"), -1, embeddingDim(p))),
        false);
  }

  private static OipModel classifierModel(String name, Pipeline p, String version) {
    ModelCard card = p.classifierModel().card();
    return new OipModel(name, OipModel.Kind.CLASSIFIER, p, List.of(version), version,
        List.of(TensorMeta.fp32(nameOr(card.inputName(0), "embedding"), -1, embeddingDim(p))),
        List.of(TensorMeta.fp32(nameOr(card.outputName(0), "logits"), -1, p.classes().size())),
        false);
  }

  /** D from the encoder's card (embedding_dim, or its output shape); -1 when no card says. */
  static long embeddingDim(Pipeline p) {
    for (ModelCard card : List.of(p.encoderModel().card(), p.classifierModel().card())) {
      if (card.embeddingDim() != null && card.embeddingDim() > 0) {
        return card.embeddingDim();
      }
    }
    ModelCard enc = p.encoderModel().card();
    if (!enc.outputs().isEmpty() && enc.outputs().get(0).shape() != null && enc.outputs().get(0).shape().size() == 2) {
      long d = enc.outputs().get(0).shape().get(1);
      return d > 0 ? d : -1;
    }
    return -1;
  }

  private static String nameOr(String name, String fallback) {
    return name == null || name.isBlank() ? fallback : name;
  }

  List<String> modelNames() {
    List<String> names = new ArrayList<>();
    names.add(DEFAULT_MODEL);
    for (String p : catalog.names()) {
      if (!p.equals(DEFAULT_MODEL)) {
        names.add(p);
      }
      names.add(p + "." + GENERATOR);
      names.add(p + "." + ENCODER);
      names.add(p + "." + CLASSIFIER);
    }
    return names;
  }

  private static RecognitionException notFound(String message) {
    return new RecognitionException(RecognitionException.Kind.NOT_FOUND, message);
  }
}
