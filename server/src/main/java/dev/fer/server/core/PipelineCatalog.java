package dev.fer.server.core;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The pipelines being served, by name, and the one used when a request names none. */
public final class PipelineCatalog implements AutoCloseable {
  private final Map<String, Pipeline> pipelines = new ConcurrentHashMap<>();
  private volatile String defaultName;

  public void add(Pipeline pipeline, boolean makeDefault) {
    pipelines.put(pipeline.name(), pipeline);
    if (makeDefault || defaultName == null) {
      defaultName = pipeline.name();
    }
  }

  public String defaultName() {
    return defaultName;
  }

  public Pipeline get(String name) throws RecognitionException {
    if (pipelines.isEmpty()) {
      throw new RecognitionException(RecognitionException.Kind.UNAVAILABLE, "the server is still loading its models");
    }
    String key = name == null || name.isEmpty() ? defaultName : name;
    Pipeline p = key == null ? null : pipelines.get(key);
    if (p == null) {
      throw new RecognitionException(RecognitionException.Kind.NOT_FOUND,
          "no pipeline '" + key + "'; served pipelines: " + names());
    }
    return p;
  }

  public List<String> names() {
    return pipelines.keySet().stream().sorted().toList();
  }

  public List<Pipeline> all() {
    return names().stream().map(pipelines::get).toList();
  }

  @Override
  public void close() {
    pipelines.values().forEach(Pipeline::close);
  }
}
