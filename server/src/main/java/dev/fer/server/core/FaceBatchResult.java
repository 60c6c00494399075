package dev.fer.server.core;

import java.util.List;

/**
 * What a {@link FaceBatchTask} produced, as plain arrays for tensor-level protocols.
 *
 * @param scores softmax probabilities [count][classes.size()], in the card's class order
 * @param references generated reference faces, count * H * W floats in the normalised space;
 *     null unless asked for
 * @param modelNanos time spent running the models (the whole batch this task was part of)
 */
public record FaceBatchResult(
    String pipeline,
    String variant,
    List<String> classes,
    float[][] scores,
    float[] references,
    long modelNanos) {}
