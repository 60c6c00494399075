package dev.fer.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fer.server.core.FrameResult;
import dev.fer.server.core.FrameTask;
import dev.fer.server.core.RecognitionException;
import dev.fer.spi.FaceBox;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The figures the admin API reports, computed from what the listener saw. */
class VariantMetricsTest {
  static final List<String> CLASSES = List.of("anger", "happiness", "neutral");

  static FrameResult result(String variant, String label, float confidence, double generatorMs) {
    Map<String, Double> timings = new LinkedHashMap<>();
    timings.put("preprocess", 1.0);
    timings.put("generator", generatorMs);
    return new FrameResult("p", variant, 48, 48, List.of(new FrameResult.Face(new FaceBox(0, 0, 48, 48, 1), label,
        confidence, CLASSES, new float[3], new byte[0])), timings);
  }

  static FrameTask task(String groundTruth) {
    return new FrameTask("p", "", "", null, false, groundTruth, null);
  }

  @Test
  void countsLabelsConfidenceAccuracyLatencyAndAgreement() {
    VariantMetrics m = new VariantMetrics();
    m.onFrame(task("happy"), result("a", "happiness", 0.8f, 2));
    m.onFrame(task("happy"), result("a", "anger", 0.6f, 4));
    m.onFrame(task(""), result("a", "happiness", 0.4f, 30));
    m.onShadowFrame(task("happy"), result("a", "happiness", 0.8f, 2), result("b", "happiness", 0.5f, 3));
    m.onShadowFrame(task("happy"), result("a", "anger", 0.6f, 4), result("b", "neutral", 0.5f, 3));
    m.onFailure(task(""), new RecognitionException(RecognitionException.Kind.NOT_FOUND, "no such variant"));
    m.onFailure(new FrameTask("", "", "", null, false, "", null),
        new RecognitionException(RecognitionException.Kind.INVALID_ARGUMENT, "bad"));

    PipelineReport r = m.report("p", false);
    VariantReport a = r.variant("a");
    assertEquals(3, a.framesServed());
    assertEquals(0, a.framesShadowed());
    assertEquals(Map.of("happiness", 2L, "anger", 1L), a.labelCounts());
    assertEquals(0.6, a.meanConfidence(), 1e-6);
    assertEquals(2, a.labelledFrames(), "the frame without ground truth is not labelled");
    assertEquals(0.5, a.accuracy(), 1e-9, "'happy' counts as 'happiness'");
    StageLatencyReport gen = a.latency().get("generator");
    assertEquals(3, gen.count());
    assertEquals(12.0, gen.meanMs(), 1e-6);
    assertEquals(3, a.latency().get("total").count());

    VariantReport b = r.variant("b");
    assertEquals(0, b.framesServed());
    assertEquals(2, b.framesShadowed());
    assertEquals(0.5, b.accuracy(), 1e-9);
    assertEquals(1, r.shadows().size());
    assertEquals(2, r.shadows().get(0).comparedFaces());
    assertEquals(0.5, r.shadows().get(0).agreementRate(), 1e-9);
    assertEquals(Map.of("NOT_FOUND", 1L, "INVALID_ARGUMENT", 1L), m.report("p", true).failedFrames());
    assertEquals(Map.of("NOT_FOUND", 1L), r.failedFrames(), "failures of frames that named no pipeline count for the default only");
  }

  @Test
  void percentilesInterpolateInsideBuckets() {
    // 10 observations in (1, 2] ms and 10 in (2, 4] ms.
    StageLatencyReport l = new StageLatencyReport("generator", 20, 50, new double[] {1, 2, 4, Double.POSITIVE_INFINITY},
        new long[] {0, 10, 10, 0});
    assertEquals(2.0, l.percentileMs(0.5), 1e-9);
    assertEquals(1.5, l.percentileMs(0.25), 1e-9);
    assertEquals(3.8, l.percentileMs(0.95), 1e-9);
    assertEquals(0, new StageLatencyReport("x", 0, 0, new double[] {1}, new long[] {0}).percentileMs(0.5));
  }
}
