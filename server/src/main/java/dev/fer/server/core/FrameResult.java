package dev.fer.server.core;

import dev.fer.spi.FaceBox;
import java.util.List;
import java.util.Map;

/** What one frame produced: a result per face, and where the time went (stage -> ms). */
public record FrameResult(
    String pipeline,
    String variant,
    int imageWidth,
    int imageHeight,
    List<Face> faces,
    Map<String, Double> timingsMillis) {

  /** scores follow {@code classes}; referencePng is empty unless asked for. */
  public record Face(FaceBox box, String label, float confidence, List<String> classes, float[] scores,
      byte[] referencePng) {}
}
