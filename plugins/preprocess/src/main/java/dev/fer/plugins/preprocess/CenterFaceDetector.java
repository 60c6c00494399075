package dev.fer.plugins.preprocess;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fer.spi.FaceBox;
import dev.fer.spi.FaceDetector;
import dev.fer.spi.ModelCard;
import dev.fer.spi.ModelLoadException;
import dev.fer.spi.PreprocessConfig;
import dev.fer.spi.RgbImage;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CenterFace (anchor-free, stride-4 heat map; MobileNetV2) on ONNX Runtime, read from the
 * detector folder that {@code scripts/fetch-detector.sh} fills (card.json + model.onnx). The
 * frame is scaled (area average) so that its longer side is at most {@code detect_max_side},
 * zero-padded to multiples of 32, run, decoded and non-maximum suppressed. Thread-safe.
 */
public final class CenterFaceDetector implements FaceDetector {
  private static final Logger LOG = LoggerFactory.getLogger(CenterFaceDetector.class);
  static final String FETCH_HINT = "run scripts/fetch-detector.sh (from the repository root) to install it";

  private final OrtEnvironment env;
  private final OrtSession session;
  private final String inputName;
  private final String heatmapName;
  private final String scaleName;
  private final String offsetName;
  private final int maxSide;
  private final float threshold;
  private final float nmsIou;
  private final String description;

  @Inject
  public CenterFaceDetector(PreprocessConfig config) throws ModelLoadException {
    this(config.detectorDirectory(), Math.min(config.minFaceScore(), 0.5f));
  }

  /** @param threshold heat-map peaks below this are not reported */
  public CenterFaceDetector(Path directory, float threshold) throws ModelLoadException {
    this(directory, threshold, 0);
  }

  /**
   * @param threshold heat-map peaks below this are not reported
   * @param maxSide longer side the frame is scaled down to before detection; 0 = the card's
   *     {@code detect_max_side} (640 when absent)
   */
  public CenterFaceDetector(Path directory, float threshold, int maxSide) throws ModelLoadException {
    Path card = requireInstalled(directory);
    ModelCard modelCard = ModelCard.read(card);
    if (!"detector".equals(modelCard.stage())) {
      throw new ModelLoadException("model card " + card + " has stage \"" + modelCard.stage()
          + "\", expected \"detector\"");
    }
    JsonNode json;
    try {
      json = new ObjectMapper().readTree(modelCard.json());
    } catch (IOException e) {
      throw new ModelLoadException("model card " + card + " is not valid JSON: " + e.getMessage(), e);
    }
    Path modelFile = directory.resolve(modelCard.modelFile());
    if (!Files.isRegularFile(modelFile)) {
      throw new ModelLoadException("face detector model " + modelFile + " is missing; " + FETCH_HINT);
    }
    this.inputName = modelCard.inputName(0) != null ? modelCard.inputName(0) : "input.1";
    this.heatmapName = orDefault(modelCard.outputName(0), "537");
    this.scaleName = orDefault(modelCard.outputName(1), "538");
    this.offsetName = orDefault(modelCard.outputName(2), "539");
    this.maxSide = maxSide > 0 ? maxSide : json.path("detect_max_side").asInt(640);
    this.nmsIou = (float) json.path("nms_iou").asDouble(0.3);
    this.threshold = threshold;
    JsonNode src = json.path("source");
    this.description = modelCard.name() + " face detector (ONNX Runtime; from " + src.path("registry").asText("?")
        + " package " + src.path("package").asText("?") + " " + src.path("version").asText("?")
        + ", licence " + modelCard.license() + "; longer side scaled to <= " + this.maxSide + " px) in "
        + directory;
    try {
      byte[] bytes = Files.readAllBytes(modelFile);
      Set<String> dynamic = new HashSet<>();
      dynamic.add(inputName);
      for (ModelCard.TensorSpec t : modelCard.outputs()) {
        dynamic.add(t.name());
      }
      dynamic.addAll(List.of(heatmapName, scaleName, offsetName));
      byte[] patched = OnnxDims.makeDynamic(bytes, dynamic);
      this.env = OrtEnvironment.getEnvironment();
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        options.addConfigEntry("session.inter_op.allow_spinning", "0");
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
        this.session = env.createSession(patched, options);
      }
    } catch (IOException | IllegalArgumentException | OrtException e) {
      throw new ModelLoadException("cannot load face detector " + modelFile + ": " + e.getMessage()
          + " (re-run scripts/fetch-detector.sh --force)", e);
    }
    LOG.info("loaded {}", description);
  }

  /** The card file, or a ModelLoadException telling the user to fetch the detector. */
  static Path requireInstalled(Path directory) throws ModelLoadException {
    if (directory == null) {
      throw new ModelLoadException("no face detector folder configured (PreprocessConfig.detectorDirectory "
          + "is null; expected models/detector/1); " + FETCH_HINT);
    }
    Path card = directory.resolve("card.json");
    if (!Files.isRegularFile(card)) {
      throw new ModelLoadException("face detector not installed: " + card + " not found; " + FETCH_HINT);
    }
    return card;
  }

  /** What {@link #description()} would say, without loading the model. */
  static String describe(Path directory) {
    try {
      Path card = requireInstalled(directory);
      ModelCard c = ModelCard.read(card);
      JsonNode src = new ObjectMapper().readTree(c.json()).path("source");
      return c.name() + " face detector (ONNX; " + src.path("registry").asText("?") + " package "
          + src.path("package").asText("?") + " " + src.path("version").asText("?") + ", licence "
          + c.license() + ") in " + directory;
    } catch (ModelLoadException | IOException e) {
      return "face detector not available: " + e.getMessage();
    }
  }

  private static String orDefault(String s, String d) {
    return s == null || s.isBlank() ? d : s;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public List<FaceBox> detect(RgbImage image) throws OrtException {
    return detect(DecodedImage.of(image));
  }

  /** Faces sorted by score, highest first. */
  public List<FaceBox> detect(DecodedImage image) throws OrtException {
    int w = image.width();
    int h = image.height();
    double s = Math.min(1.0, (double) maxSide / Math.max(w, h));
    int rw = Math.max(1, (int) Math.round(w * s));
    int rh = Math.max(1, (int) Math.round(h * s));
    int tw = Math.max(32, (rw + 31) / 32 * 32);
    int th = Math.max(32, (rh + 31) / 32 * 32);
    float[] input = new float[3 * tw * th]; // zero padding right and bottom
    Resampler.rgbPlanar(image, 0, 0, w, h, rw, rh, input, 0, tw, tw * th, 1f, 0f);
    FloatBuffer buffer = inputBuffer(input.length);
    buffer.put(input).flip();
    List<float[]> found = new ArrayList<>();
    try (OnnxTensor tensor = OnnxTensor.createTensor(env, buffer, new long[] {1, 3, th, tw});
        OrtSession.Result result = session.run(Map.of(inputName, tensor),
            Set.of(heatmapName, scaleName, offsetName))) {
      OnnxTensor heat = (OnnxTensor) result.get(heatmapName).orElseThrow();
      OnnxTensor scale = (OnnxTensor) result.get(scaleName).orElseThrow();
      OnnxTensor offset = (OnnxTensor) result.get(offsetName).orElseThrow();
      long[] shape = heat.getInfo().getShape();
      int gh = (int) shape[2];
      int gw = (int) shape[3];
      int plane = gh * gw;
      FloatBuffer hm = heat.getFloatBuffer();
      FloatBuffer sc = scale.getFloatBuffer();
      FloatBuffer of = offset.getFloatBuffer();
      double sx = (double) rw / w;
      double sy = (double) rh / h;
      for (int i = 0; i < plane; i++) {
        float score = hm.get(i);
        if (score < threshold) {
          continue;
        }
        int gy = i / gw;
        int gx = i % gw;
        double bh = Math.exp(sc.get(i)) * 4;
        double bw = Math.exp(sc.get(plane + i)) * 4;
        double cy = (gy + of.get(i) + 0.5) * 4;
        double cx = (gx + of.get(plane + i) + 0.5) * 4;
        double x1 = Math.max(0, cx - bw / 2);
        double y1 = Math.max(0, cy - bh / 2);
        double x2 = Math.min(rw, cx + bw / 2);
        double y2 = Math.min(rh, cy + bh / 2);
        if (x2 - x1 < 1 || y2 - y1 < 1) {
          continue;
        }
        found.add(new float[] {(float) (x1 / sx), (float) (y1 / sy), (float) (x2 / sx), (float) (y2 / sy),
            score});
      }
    }
    found.sort((a, b) -> Float.compare(b[4], a[4]));
    List<FaceBox> kept = new ArrayList<>();
    List<float[]> keptRaw = new ArrayList<>();
    for (float[] f : found) {
      boolean suppressed = false;
      for (float[] k : keptRaw) {
        if (iou(f, k) > nmsIou) {
          suppressed = true;
          break;
        }
      }
      if (!suppressed) {
        keptRaw.add(f);
        kept.add(new FaceBox(f[0], f[1], f[2] - f[0], f[3] - f[1], Math.min(1f, Math.max(0f, f[4]))));
      }
    }
    return kept;
  }

  /** One direct, native-order input buffer per thread, grown as needed (ORT reads it without copying). */
  private final ThreadLocal<FloatBuffer> buffers = new ThreadLocal<>();

  private FloatBuffer inputBuffer(int floats) {
    FloatBuffer b = buffers.get();
    if (b == null || b.capacity() < floats) {
      b = ByteBuffer.allocateDirect(floats * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
      buffers.set(b);
    }
    b.clear();
    return b;
  }

  private static float iou(float[] a, float[] b) {
    float ix = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
    float iy = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
    float inter = ix * iy;
    float union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
    return union <= 0 ? 0 : inter / union;
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      LOG.warn("closing the face detector session: {}", e.getMessage());
    }
  }
}
