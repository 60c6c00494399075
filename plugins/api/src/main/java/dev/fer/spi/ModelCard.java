package dev.fer.spi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The card.json beside every model: the single source of input size, normalisation, class names
 * and compatibility. The server never hard-codes any of these.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelCard(
    String name,
    String stage,
    String variant,
    String version,
    String contract,
    String runtime,
    @JsonProperty("model_file") String modelFile,
    @JsonProperty("input_size") List<Integer> inputSize,
    Integer channels,
    Normalization normalization,
    List<TensorSpec> inputs,
    List<TensorSpec> outputs,
    List<String> classes,
    @JsonProperty("embedding_dim") Integer embeddingDim,
    String license,
    String json) {

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Normalization(double mean, double std) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record TensorSpec(String name, List<Long> shape, String dtype) {}

  public ModelCard {
    runtime = runtime == null || runtime.isBlank() ? "onnx" : runtime;
    modelFile = modelFile == null || modelFile.isBlank() ? "model.onnx" : modelFile;
    variant = variant == null ? "" : variant;
    contract = contract == null ? "" : contract;
    classes = classes == null ? List.of() : List.copyOf(classes);
    inputs = inputs == null ? List.of() : List.copyOf(inputs);
    outputs = outputs == null ? List.of() : List.copyOf(outputs);
  }

  public static ModelCard read(Path file) throws ModelLoadException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ModelLoadException("cannot read model card " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  public static ModelCard parse(String text, String origin) throws ModelLoadException {
    ModelCard card;
    try {
      card = JSON.readValue(text, ModelCard.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ModelLoadException("model card " + origin + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    card = card.withJson(text);
    card.validate(origin);
    return card;
  }

  private ModelCard withJson(String text) {
    return new ModelCard(name, stage, variant, version, contract, runtime, modelFile, inputSize,
        channels, normalization, inputs, outputs, classes, embeddingDim, license, text);
  }

  private void validate(String origin) throws ModelLoadException {
    if (stage == null || stage.isBlank()) {
      throw new ModelLoadException("model card " + origin + " has no \"stage\"");
    }
    if (inputSize == null || inputSize.size() != 2 || inputSize.get(0) <= 0 || inputSize.get(1) <= 0) {
      throw new ModelLoadException("model card " + origin + " needs \"input_size\": [height, width]");
    }
    if (normalization == null || normalization.std() == 0) {
      throw new ModelLoadException("model card " + origin + " needs \"normalization\": {mean, std != 0}");
    }
    if (stage.equals("classifier") && classes.isEmpty()) {
      throw new ModelLoadException("classifier card " + origin + " lists no \"classes\"");
    }
  }

  public int inputHeight() {
    return inputSize.get(0);
  }

  public int inputWidth() {
    return inputSize.get(1);
  }

  /** Name of the first input/output tensor with this name, or the only one when there is one. */
  public String inputName(int index) {
    return inputs.size() > index ? inputs.get(index).name() : null;
  }

  public String outputName(int index) {
    return outputs.size() > index ? outputs.get(index).name() : null;
  }
}
