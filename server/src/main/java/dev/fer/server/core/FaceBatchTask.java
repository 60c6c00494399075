package dev.fer.server.core;

import java.util.List;

/**
 * Faces that are already cropped, as tensor-level protocols (the Open Inference Protocol) send
 * them: either a normalised tensor of {@code count} faces, or one encoded face-crop image per
 * face. Detection is skipped either way, so result row i is face i.
 *
 * @param tensor count * H * W floats, normalised as the pipeline's card says; null for crops
 * @param crops encoded images (JPEG, PNG, ...), each one face crop; null for a tensor
 */
public record FaceBatchTask(
    String pipeline,
    String variant,
    String routingKey,
    float[] tensor,
    int count,
    List<byte[]> crops,
    boolean returnReference) {

  public FaceBatchTask {
    pipeline = pipeline == null ? "" : pipeline;
    variant = variant == null ? "" : variant;
    crops = crops == null ? null : List.copyOf(crops);
  }

  public static FaceBatchTask ofTensor(String pipeline, String variant, float[] tensor, int count,
      boolean returnReference) {
    return new FaceBatchTask(pipeline, variant, "", tensor, count, null, returnReference);
  }

  public static FaceBatchTask ofCrops(String pipeline, String variant, List<byte[]> crops, boolean returnReference) {
    return new FaceBatchTask(pipeline, variant, "", null, crops.size(), crops, returnReference);
  }
}
