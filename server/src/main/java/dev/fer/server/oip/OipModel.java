package dev.fer.server.oip;

import dev.fer.server.core.Pipeline;
import java.util.List;

/**
 * One model as the protocol sees it: the whole pipeline, or one of its stages. Built fresh from
 * the catalog on every call, so variants that come and go show up at once.
 *
 * @param versions what ModelMetadata lists: the generator variants' numbers for the pipeline and
 *     the generator stage, the version folder for the encoder and classifier
 * @param variant for the pipeline and generator models, the variant a request resolved to ("" for
 *     the pipeline's routing: active variant or traffic split); for the others their version
 * @param optionalInputs inputs of which a request sends exactly one (the pipeline's face or image)
 */
record OipModel(
    String name,
    Kind kind,
    Pipeline pipeline,
    List<String> versions,
    String variant,
    List<TensorMeta> inputs,
    List<TensorMeta> outputs,
    boolean optionalInputs) {

  enum Kind {
    PIPELINE, GENERATOR, ENCODER, CLASSIFIER;

    String platform() {
      return this == PIPELINE ? "fer_pipeline" : "onnxruntime_onnx";
    }
  }

  TensorMeta input(String tensor) {
    return inputs.stream().filter(t -> t.name().equals(tensor)).findFirst().orElse(null);
  }

  TensorMeta output(String tensor) {
    return outputs.stream().filter(t -> t.name().equals(tensor)).findFirst().orElse(null);
  }

  String describeInputs() {
    return inputs.stream().map(TensorMeta::describe).toList().toString();
  }

  String describeOutputs() {
    return outputs.stream().map(TensorMeta::describe).toList().toString();
  }
}
