package dev.fer.server.core;

import dev.fer.server.repository.ModelRepository;
import dev.fer.server.repository.PipelineSpec;
import dev.fer.spi.Classifier;
import dev.fer.spi.ClassifierFactory;
import dev.fer.spi.ContrastiveEncoder;
import dev.fer.spi.EncoderFactory;
import dev.fer.spi.Generator;
import dev.fer.spi.GeneratorFactory;
import dev.fer.spi.ModelCard;
import dev.fer.spi.ModelLoadException;
import dev.fer.spi.ModelVersion;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns repository folders into loaded, warmed pipelines and generator variants. Every check
 * that can refuse a model happens here, before anything takes traffic.
 */
public final class PipelineLoader {
  private static final Logger log = LoggerFactory.getLogger(PipelineLoader.class);

  private final Map<String, GeneratorFactory> generators;
  private final Map<String, EncoderFactory> encoders;
  private final Map<String, ClassifierFactory> classifiers;
  private final ChainRunner chain;

  @Inject
  public PipelineLoader(Map<String, GeneratorFactory> generators, Map<String, EncoderFactory> encoders,
      Map<String, ClassifierFactory> classifiers, ChainRunner chain) {
    this.generators = generators;
    this.encoders = encoders;
    this.classifiers = classifiers;
    this.chain = chain;
  }

  /** Loads a pipeline with every generator variant that loads; refused variants are logged. */
  public Pipeline load(Path pipelineDir) throws ModelLoadException {
    PipelineSpec spec = ModelRepository.readSpec(pipelineDir);
    ModelVersion encoderModel = ModelRepository.latestVersion(pipelineDir.resolve(spec.encoder()));
    ModelVersion classifierModel = ModelRepository.latestVersion(pipelineDir.resolve(spec.classifier()));
    ContrastiveEncoder encoder = factory(encoders, encoderModel).load(encoderModel);
    Classifier classifier;
    try {
      classifier = factory(classifiers, classifierModel).load(classifierModel);
      checkCompatible(encoderModel.card(), classifierModel, "classifier");
    } catch (ModelLoadException | RuntimeException e) {
      encoder.close();
      throw e;
    }
    String defaultVariant = spec.defaultVariant();
    VariantRegistry registry = new VariantRegistry(defaultVariant);
    Pipeline pipeline = new Pipeline(spec, pipelineDir, encoderModel, encoder, classifierModel, classifier, registry);
    for (String stage : spec.generators()) {
      try {
        GeneratorVariant variant = loadVariant(pipeline, ModelRepository.latestVersion(pipelineDir.resolve(stage)));
        registry.publish(variant);
      } catch (ModelLoadException e) {
        log.error("pipeline {}: generator {} refused: {}", spec.name(), stage, e.getMessage());
      }
    }
    if (registry.names().isEmpty()) {
      pipeline.close();
      throw new ModelLoadException("pipeline " + spec.name() + " has no generator variant that loads");
    }
    if (defaultVariant != null && registry.get(defaultVariant) != null) {
      try {
        registry.setSplit(TrafficSplit.single(defaultVariant));
      } catch (RecognitionException e) {
        throw new IllegalStateException(e);
      }
    }
    log.info("pipeline {} ready: classes {}, variants {}, active {}", spec.name(), pipeline.classes(),
        registry.names(), registry.split().active());
    return pipeline;
  }

  /**
   * Loads one generator version for a pipeline, checks that it fits the pipeline's encoder and
   * warms it up. The variant is not yet routed to; the caller publishes it.
   */
  public GeneratorVariant loadVariant(Pipeline pipeline, ModelVersion model) throws ModelLoadException {
    return loadVariant(pipeline, model, state -> {});
  }

  /** As above, telling {@code progress} when the model is open and warm-up starts. */
  public GeneratorVariant loadVariant(Pipeline pipeline, ModelVersion model, Consumer<VariantState> progress)
      throws ModelLoadException {
    ModelCard card = model.card();
    if (card.variant().isEmpty()) {
      throw new ModelLoadException(model + ": generator card names no \"variant\"");
    }
    checkCompatible(pipeline.encoderModel().card(), model, "generator");
    Generator generator = factory(generators, model).load(model);
    GeneratorVariant variant = new GeneratorVariant(card.variant(), model, generator);
    progress.accept(VariantState.WARMING);
    try {
      warmUp(pipeline, variant);
    } catch (Exception e) {
      generator.close();
      throw new ModelLoadException(model + ": warm-up run failed: " + e.getMessage(), e);
    }
    return variant;
  }

  private void warmUp(Pipeline pipeline, GeneratorVariant variant) throws Exception {
    int pixels = pipeline.faceSpec().pixels();
    for (int batch : new int[] {1, 4, 1}) {
      chain.run(pipeline, variant, new float[batch * pixels], batch, true);
    }
  }

  private static void checkCompatible(ModelCard encoderCard, ModelVersion other, String role)
      throws ModelLoadException {
    ModelCard card = other.card();
    if (!encoderCard.contract().isEmpty() && !card.contract().isEmpty()
        && !encoderCard.contract().equals(card.contract())) {
      throw new ModelLoadException(other + ": " + role + " contract '" + card.contract()
          + "' is incompatible with the pipeline's encoder contract '" + encoderCard.contract() + "'");
    }
    if (!card.inputSize().equals(encoderCard.inputSize())) {
      throw new ModelLoadException(other + ": " + role + " input_size " + card.inputSize()
          + " differs from the encoder's " + encoderCard.inputSize());
    }
    if (role.equals("generator") && !card.normalization().equals(encoderCard.normalization())) {
      throw new ModelLoadException(other + ": generator normalization " + card.normalization()
          + " differs from the encoder's " + encoderCard.normalization());
    }
  }

  private static <F> F factory(Map<String, F> factories, ModelVersion model) throws ModelLoadException {
    F f = factories.get(model.card().runtime());
    if (f == null) {
      throw new ModelLoadException(model + ": no plugin serves runtime '" + model.card().runtime()
          + "' for stage " + model.card().stage() + " (installed: " + factories.keySet() + ")");
    }
    return f;
  }
}
