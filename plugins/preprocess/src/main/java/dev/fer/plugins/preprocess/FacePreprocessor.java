package dev.fer.plugins.preprocess;

import com.google.inject.ProvisionException;
import dev.fer.spi.FaceBox;
import dev.fer.spi.FaceDetector;
import dev.fer.spi.FaceSpec;
import dev.fer.spi.FrameInput;
import dev.fer.spi.InvalidInputException;
import dev.fer.spi.PreparedFaces;
import dev.fer.spi.PreprocessConfig;
import dev.fer.spi.Preprocessor;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Decode, find faces (unless the client gave them or says the frame is a face crop), crop a
 * square (or the model's aspect) around each face enlarged by {@code cropMargin}, BT.601 grey,
 * area/bilinear resize to the model's size, normalise {@code (p/255 - mean)/std}.
 *
 * <p>The detector is asked for through a {@link Provider} only when a frame needs detection, so
 * face-crop and known-box frames work without an installed detector model.
 */
@Singleton
public final class FacePreprocessor implements Preprocessor {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FacePreprocessor.class);
  private final PreprocessConfig config;
  private final Provider<FaceDetector> detector;

  @Inject
  public FacePreprocessor(PreprocessConfig config, Provider<FaceDetector> detector) {
    this.config = config;
    this.detector = detector;
  }

  @Override
  public PreparedFaces prepare(FrameInput frame, FaceSpec spec) throws InvalidInputException {
    if (spec == null || spec.height() <= 0 || spec.width() <= 0 || spec.std() == 0f) {
      throw new IllegalArgumentException("bad face spec " + spec + ": need positive size and std != 0");
    }
    DecodedImage image = ImageDecoder.decode(frame, config.maxImagePixels());
    int w = image.width();
    int h = image.height();
    List<FaceBox> boxes;
    if (frame.faceCrop()) {
      boxes = List.of(new FaceBox(0, 0, w, h, 1f));
    } else if (frame.knownFaces() != null && !frame.knownFaces().isEmpty()) {
      boxes = checkKnown(frame.knownFaces(), w, h);
    } else {
      boxes = detect(image);
    }
    int pixels = spec.pixels();
    float[] tensor = new float[boxes.size() * pixels];
    float scale = 1f / (255f * spec.std());
    float bias = -spec.mean() / spec.std();
    for (int i = 0; i < boxes.size(); i++) {
      FaceBox b = boxes.get(i);
      if (frame.faceCrop()) {
        Resampler.luma(image, 0, 0, w, h, spec.width(), spec.height(), tensor, i * pixels, scale, bias);
        continue;
      }
      // A rectangle of the model's aspect that holds the box plus cropMargin on every side.
      double m = 1 + 2 * Math.max(0f, config.cropMargin());
      double aspect = (double) spec.height() / spec.width();
      double cw = Math.max(b.width() * m, b.height() * m / aspect);
      double ch = cw * aspect;
      double cx = b.x() + b.width() / 2.0;
      double cy = b.y() + b.height() / 2.0;
      Resampler.luma(image, cx - cw / 2, cy - ch / 2, cw, ch, spec.width(), spec.height(), tensor,
          i * pixels, scale, bias);
    }
    return new PreparedFaces(w, h, List.copyOf(boxes), tensor);
  }

  private List<FaceBox> checkKnown(List<FaceBox> known, int w, int h) throws InvalidInputException {
    int max = config.maxFaces();
    if (max > 0 && known.size() > max) {
      throw new InvalidInputException(known.size() + " known faces given, at most " + max
          + " per frame are accepted (maxFaces)");
    }
    final float tolerance = 1f; // rounding of client-side coordinates
    for (int i = 0; i < known.size(); i++) {
      FaceBox b = known.get(i);
      if (b == null) {
        throw new InvalidInputException("known face #" + i + " is empty");
      }
      if (!Float.isFinite(b.x()) || !Float.isFinite(b.y()) || !Float.isFinite(b.width())
          || !Float.isFinite(b.height())) {
        throw new InvalidInputException("known face #" + i + " " + box(b) + " has a non-finite coordinate");
      }
      if (b.width() <= 0 || b.height() <= 0) {
        throw new InvalidInputException("known face #" + i + " " + box(b)
            + " has a non-positive size; width and height must be > 0");
      }
      if (b.x() < -tolerance || b.y() < -tolerance || b.x() + b.width() > w + tolerance
          || b.y() + b.height() > h + tolerance) {
        throw new InvalidInputException("known face #" + i + " " + box(b) + " is outside the " + w + "x" + h
            + " image; boxes must lie within x in [0, " + w + "], y in [0, " + h + "]");
      }
    }
    return known;
  }

  private static String box(FaceBox b) {
    return String.format(Locale.ROOT, "(x=%.1f, y=%.1f, width=%.1f, height=%.1f)", b.x(), b.y(), b.width(),
        b.height());
  }

  @Override
  public void warmUp() {
    try {
      FaceDetector d = detector.get();
      d.detect(new dev.fer.spi.RgbImage(64, 64, new byte[64 * 64 * 3]));
    } catch (ProvisionException e) {
      log.warn("no face detector: frames without face boxes or face_crop will be refused ({})", rootMessage(e));
    } catch (Exception e) {
      log.warn("face detector warm-up failed: {}", e.toString());
    }
  }

  private List<FaceBox> detect(DecodedImage image) {
    FaceDetector d;
    try {
      d = detector.get();
    } catch (ProvisionException e) {
      throw new IllegalStateException("this frame needs face detection, but the face detector is not "
          + "available: " + rootMessage(e) + ". Frames with known face boxes or face_crop need no detector.", e);
    }
    List<FaceBox> found;
    try {
      found = d instanceof CenterFaceDetector c ? c.detect(image) : d.detect(image.toRgb());
    } catch (Exception e) {
      throw new IllegalStateException("face detector failed: " + e.getMessage(), e);
    }
    List<FaceBox> out = new ArrayList<>();
    for (FaceBox b : found) {
      if (b.score() >= config.minFaceScore() && b.width() > 0 && b.height() > 0) {
        out.add(b);
      }
    }
    out.sort(Comparator.comparingDouble(FaceBox::score).reversed());
    if (config.maxFaces() > 0 && out.size() > config.maxFaces()) {
      return out.subList(0, config.maxFaces());
    }
    return out;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  @Override
  public String description() {
    return "decode " + ImageDecoder.ENCODED_FORMATS + " or raw " + ImageDecoder.RAW_FORMATS
        + "; faces from the client, or " + CenterFaceDetector.describe(config.detectorDirectory())
        + " (min score " + config.minFaceScore() + ", at most " + config.maxFaces() + " faces)"
        + "; crop margin " + config.cropMargin() + ", BT.601 grey, area/bilinear resize, (p/255 - mean)/std";
  }
}
