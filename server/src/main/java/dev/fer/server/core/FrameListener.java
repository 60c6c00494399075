package dev.fer.server.core;

import java.util.List;

/**
 * Sees every finished frame, e.g. to keep per-variant statistics. Called on the worker thread:
 * keep it cheap.
 */
public interface FrameListener {
  void onFrame(FrameTask task, FrameResult result);

  /** A shadow variant ran on the same faces; its labels are compared, never returned. */
  default void onShadow(String pipeline, String primaryVariant, String shadowVariant, List<String> primaryLabels,
      List<String> shadowLabels) {}

  /**
   * The full shadow result next to the primary one (same faces, same order). By default only the
   * labels go on to {@link #onShadow}, for listeners that need no more.
   */
  default void onShadowFrame(FrameTask task, FrameResult primary, FrameResult shadow) {
    onShadow(primary.pipeline(), primary.variant(), shadow.variant(),
        primary.faces().stream().map(FrameResult.Face::label).toList(),
        shadow.faces().stream().map(FrameResult.Face::label).toList());
  }

  default void onFailure(FrameTask task, RecognitionException error) {}

  /** One run of the chain on {@code faces} faces batched together (from one or many frames). */
  default void onBatch(String pipeline, String variant, int faces) {}
}
