package dev.fer.server.repository;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** pipeline.json: which stage folders make a pipeline, and the default generator variant. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PipelineSpec(
    String name,
    String description,
    String encoder,
    String classifier,
    List<String> generators,
    @JsonProperty("default_variant") String defaultVariant) {

  public PipelineSpec {
    encoder = encoder == null ? "encoder" : encoder;
    classifier = classifier == null ? "classifier" : classifier;
    generators = generators == null ? List.of() : List.copyOf(generators);
    description = description == null ? "" : description;
  }
}
