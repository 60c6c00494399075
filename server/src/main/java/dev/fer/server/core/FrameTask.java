package dev.fer.server.core;

import dev.fer.spi.FrameInput;
import java.util.function.BooleanSupplier;

/**
 * One frame to recognise, independent of the transport.
 *
 * @param routingKey keeps a stream (or a client key) on one variant of a traffic split
 * @param cancelled true once the client went away: the frame is skipped, not computed
 */
public record FrameTask(
    String pipeline,
    String variant,
    String routingKey,
    FrameInput frame,
    boolean returnReference,
    String groundTruth,
    BooleanSupplier cancelled) {

  public FrameTask {
    pipeline = pipeline == null ? "" : pipeline;
    variant = variant == null ? "" : variant;
    groundTruth = groundTruth == null ? "" : groundTruth;
    cancelled = cancelled == null ? () -> false : cancelled;
  }
}
