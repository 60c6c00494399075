package dev.fer.plugins.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fer.spi.FaceBox;
import dev.fer.spi.FaceSpec;
import dev.fer.spi.FrameInput;
import dev.fer.spi.PreparedFaces;
import dev.fer.spi.PreprocessConfig;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Needs models/detector (scripts/fetch-detector.sh) and samples/faces (scripts/fetch-samples.sh). */
class DetectorTest {
  static CenterFaceDetector detector;
  static FacePreprocessor pre;
  static final FaceSpec SPEC = new FaceSpec(48, 48, 0.5f, 0.5f);

  /** Per test (not @BeforeAll) so that each test is reported as skipped, with the reason. */
  @BeforeEach
  void load() throws Exception {
    assumeTrue(TestImages.detectorInstalled(), "skipped: no face detector in " + TestImages.detectorDir()
        + " (run scripts/fetch-detector.sh)");
    if (detector == null) {
      PreprocessConfig config = PreprocessConfig.defaults(TestImages.detectorDir());
      detector = new CenterFaceDetector(config);
      pre = new FacePreprocessor(config, () -> detector);
    }
  }

  @AfterAll
  static void close() {
    if (detector != null) {
      detector.close();
    }
  }

  static Path sample(String name) {
    Path p = TestImages.samplesDir().resolve(name);
    assumeTrue(Files.isRegularFile(p), "skipped: sample photo " + p + " missing (run scripts/fetch-samples.sh)");
    return p;
  }

  @Test
  void findsTheAstronautsFace() throws Exception {
    byte[] png = Files.readAllBytes(sample("astronaut.png"));
    PreparedFaces p = pre.prepare(FrameInput.encoded(png, null, false), SPEC);
    assertEquals(1, p.count(), "faces: " + p.boxes());
    FaceBox b = p.boxes().get(0);
    // Eileen Collins' face in the 512x512 NASA portrait: roughly x 170..260, y 60..170
    double cx = b.x() + b.width() / 2;
    double cy = b.y() + b.height() / 2;
    assertTrue(cx > 170 && cx < 270 && cy > 70 && cy < 170, "box " + b);
    assertTrue(b.width() > 50 && b.width() < 160, "box " + b);
    assertEquals(48 * 48, p.tensor().length);

    int runs = 20;
    DecodedImage img = ImageDecoder.decode(FrameInput.encoded(png, null, false), Long.MAX_VALUE);
    detector.detect(img);
    long t0 = System.nanoTime();
    for (int i = 0; i < runs; i++) {
      detector.detect(img);
    }
    double detectMs = (System.nanoTime() - t0) / 1e6 / runs;
    t0 = System.nanoTime();
    for (int i = 0; i < runs; i++) {
      pre.prepare(FrameInput.encoded(png, null, false), SPEC);
    }
    double prepareMs = (System.nanoTime() - t0) / 1e6 / runs;
    System.out.printf("astronaut.png 512x512: box %s; detect %.1f ms/frame, prepare (PNG decode + detect + crop) %.1f ms/frame%n",
        b, detectMs, prepareMs);
  }

  @Test
  void findsTheCameramansFace() throws Exception {
    byte[] png = Files.readAllBytes(sample("camera.png"));
    PreparedFaces p = pre.prepare(FrameInput.encoded(png, null, false), SPEC);
    System.out.println("camera.png faces: " + p.boxes());
    assertEquals(1, p.count(), "faces: " + p.boxes());
  }

  @Test
  void findsTwoFacesSideBySideHighestScoreFirst() throws Exception {
    BufferedImage a = ImageIO.read(sample("astronaut.png").toFile());
    BufferedImage c = ImageIO.read(sample("camera.png").toFile());
    BufferedImage both = new BufferedImage(a.getWidth() + c.getWidth(), Math.max(a.getHeight(), c.getHeight()),
        BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = both.createGraphics();
    g.drawImage(a, 0, 0, null);
    g.drawImage(c, a.getWidth(), 0, null);
    g.dispose();
    byte[] png = TestImages.encode(both, "png");
    PreparedFaces p = pre.prepare(FrameInput.encoded(png, null, false), SPEC);
    System.out.println("side by side " + both.getWidth() + "x" + both.getHeight() + ": " + p.boxes());
    assertEquals(2, p.count(), "faces: " + p.boxes());
    assertEquals(2 * 48 * 48, p.tensor().length);
    List<FaceBox> boxes = p.boxes();
    assertTrue(boxes.get(0).score() >= boxes.get(1).score());
    long left = boxes.stream().filter(b -> b.x() + b.width() / 2 < a.getWidth()).count();
    assertEquals(1, left, "one face in each half: " + boxes);

    // maxFaces = 1 keeps the best one only
    PreprocessConfig one = new PreprocessConfig(TestImages.detectorDir(), 0.15f, 0.6f, 40_000_000L, 1);
    PreparedFaces p1 = new FacePreprocessor(one, () -> detector).prepare(FrameInput.encoded(png, null, false), SPEC);
    assertEquals(List.of(boxes.get(0)), p1.boxes());
  }

  @Test
  void noFaceIsAnEmptyResult() throws Exception {
    byte[] rgb = TestImages.rgb(320, 240);
    PreparedFaces p = pre.prepare(FrameInput.raw(rgb, FrameInput.PixelFormat.RGB24, 320, 240, 0, null, false), SPEC);
    assertEquals(0, p.count());
    assertEquals(0, p.tensor().length);
  }

  @Test
  void tinyAndHugeFramesDoNotBreakTheDetector() throws Exception {
    detector.detect(new DecodedImage(1, 1, 1, new byte[1]));
    detector.detect(new DecodedImage(2000, 30, 1, new byte[2000 * 30]));
  }
}
