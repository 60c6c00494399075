package dev.fer.server.core;

import dev.fer.server.repository.PipelineSpec;
import dev.fer.spi.Classifier;
import dev.fer.spi.ContrastiveEncoder;
import dev.fer.spi.FaceSpec;
import dev.fer.spi.ModelVersion;
import java.nio.file.Path;
import java.util.List;

/** A loaded pipeline: its encoder and classifier, and the generator variants that feed them. */
public final class Pipeline implements AutoCloseable {
  private final PipelineSpec spec;
  private final Path directory;
  private final FaceSpec faceSpec;
  private final ModelVersion encoderModel;
  private final ContrastiveEncoder encoder;
  private final ModelVersion classifierModel;
  private final Classifier classifier;
  private final VariantRegistry variants;

  public Pipeline(PipelineSpec spec, Path directory, ModelVersion encoderModel, ContrastiveEncoder encoder,
      ModelVersion classifierModel, Classifier classifier, VariantRegistry variants) {
    this.spec = spec;
    this.directory = directory;
    this.faceSpec = FaceSpec.of(encoderModel.card());
    this.encoderModel = encoderModel;
    this.encoder = encoder;
    this.classifierModel = classifierModel;
    this.classifier = classifier;
    this.variants = variants;
  }

  public String name() {
    return spec.name();
  }

  public PipelineSpec spec() {
    return spec;
  }

  public Path directory() {
    return directory;
  }

  public FaceSpec faceSpec() {
    return faceSpec;
  }

  public List<String> classes() {
    return classifier.card().classes();
  }

  public ContrastiveEncoder encoder() {
    return encoder;
  }

  public Classifier classifier() {
    return classifier;
  }

  public ModelVersion encoderModel() {
    return encoderModel;
  }

  public ModelVersion classifierModel() {
    return classifierModel;
  }

  public VariantRegistry variants() {
    return variants;
  }

  @Override
  public void close() {
    for (GeneratorVariant v : variants.all()) {
      v.generator().close();
    }
    encoder.close();
    classifier.close();
  }
}
