package dev.fer.server.core;

/**
 * Sees every finished frame, e.g. to keep per-variant statistics. Called on the worker thread:
 * keep it cheap.
 */
public interface FrameListener {
  void onFrame(FrameTask task, FrameResult result);

  /** A shadow variant ran on the same faces; its labels are compared, never returned. */
  default void onShadow(String pipeline, String primaryVariant, String shadowVariant, java.util.List<String> primaryLabels,
      java.util.List<String> shadowLabels) {}

  default void onFailure(FrameTask task, RecognitionException error) {}
}
