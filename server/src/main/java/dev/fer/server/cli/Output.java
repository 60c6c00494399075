package dev.fer.server.cli;

import dev.fer.v1.FaceResult;
import dev.fer.v1.RecognizeResponse;
import dev.fer.v1.StageTiming;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Human-readable lines for recognised frames. */
final class Output {
  private Output() {}

  static String describe(String source, RecognizeResponse r) {
    if (r.hasError()) {
      return String.format(Locale.ROOT, "%s: error %d: %s", source, r.getError().getCode(), r.getError().getMessage());
    }
    StringBuilder b = new StringBuilder(source).append(": ");
    if (r.getFacesCount() == 0) {
      b.append("no face found");
    }
    for (int i = 0; i < r.getFacesCount(); i++) {
      FaceResult f = r.getFaces(i);
      b.append(i == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%s %.2f at [%.0f,%.0f %.0fx%.0f]",
          f.getLabel(), f.getConfidence(), f.getBox().getX(), f.getBox().getY(), f.getBox().getWidth(), f.getBox().getHeight()));
    }
    b.append(String.format(Locale.ROOT, "  (pipeline %s, variant %s;", r.getPipeline(), r.getVariant()));
    for (StageTiming t : r.getTimingsList()) {
      b.append(String.format(Locale.ROOT, " %s %.1f", t.getStage(), t.getMillis()));
    }
    b.append(" ms)");
    return b.toString();
  }

  static void writeReferences(Path dir, Path source, RecognizeResponse r) throws IOException {
    Files.createDirectories(dir);
    String base = source.getFileName().toString().replaceAll("\\.[^.]*$", "");
    for (int i = 0; i < r.getFacesCount(); i++) {
      if (!r.getFaces(i).getReferencePng().isEmpty()) {
        Files.write(dir.resolve(base + "-face" + i + "-reference.png"), r.getFaces(i).getReferencePng().toByteArray());
      }
    }
  }
}
