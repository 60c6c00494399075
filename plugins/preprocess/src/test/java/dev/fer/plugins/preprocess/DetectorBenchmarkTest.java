package dev.fer.plugins.preprocess;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fer.spi.FaceSpec;
import dev.fer.spi.FrameInput;
import dev.fer.spi.PreprocessConfig;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Timing of the detector and the whole stage; runs only with -Dfer.bench=true, e.g.
 * {@code mvn -o -q -pl plugins/preprocess test -Dtest=DetectorBenchmarkTest -Dfer.bench=true}.
 */
class DetectorBenchmarkTest {
  @Test
  void bench() throws Exception {
    assumeTrue(Boolean.getBoolean("fer.bench"), "skipped: benchmark runs with -Dfer.bench=true");
    assumeTrue(TestImages.detectorInstalled(), "skipped: no detector (run scripts/fetch-detector.sh)");
    assumeTrue(Files.isRegularFile(TestImages.samplesDir().resolve("astronaut.png")),
        "skipped: no samples (run scripts/fetch-samples.sh)");
    byte[] png = Files.readAllBytes(TestImages.samplesDir().resolve("astronaut.png"));
    BufferedImage a = ImageIO.read(TestImages.samplesDir().resolve("astronaut.png").toFile());
    BufferedImage hd = new BufferedImage(1920, 1080, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = hd.createGraphics();
    g.drawImage(a, 700, 300, null);
    g.dispose();
    DecodedImage[] imgs = {ImageDecoder.fromBufferedImage(a), ImageDecoder.fromBufferedImage(hd)};
    String[] names = {"astronaut 512x512", "astronaut in 1920x1080"};
    int n = Integer.getInteger("fer.bench.runs", 30);
    for (int side : new int[] {320, 480, 640}) {
      try (CenterFaceDetector d = new CenterFaceDetector(TestImages.detectorDir(), 0.5f, side)) {
        for (int k = 0; k < imgs.length; k++) {
          for (int i = 0; i < 5; i++) {
            d.detect(imgs[k]);
          }
          double[] t = new double[n];
          for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            d.detect(imgs[k]);
            t[i] = (System.nanoTime() - t0) / 1e6;
          }
          Arrays.sort(t);
          System.out.printf("detect_max_side %d, %s: min %.1f ms, median %.1f ms, faces %d%n", side, names[k], t[0],
              t[n / 2], d.detect(imgs[k]).size());
        }
      }
    }
    PreprocessConfig config = PreprocessConfig.defaults(TestImages.detectorDir());
    try (CenterFaceDetector d = new CenterFaceDetector(config)) {
      FacePreprocessor pre = new FacePreprocessor(config, () -> d);
      FaceSpec spec = new FaceSpec(64, 64, 0.5f, 0.5f);
      double[] t = new double[n];
      for (int i = 0; i < n + 5; i++) {
        long t0 = System.nanoTime();
        pre.prepare(FrameInput.encoded(png, null, false), spec);
        if (i >= 5) {
          t[i - 5] = (System.nanoTime() - t0) / 1e6;
        }
      }
      Arrays.sort(t);
      System.out.printf("prepare (PNG decode + detect + crop), astronaut.png: min %.1f ms, median %.1f ms%n", t[0],
          t[n / 2]);
      byte[] rgb = imgs[0].pixels();
      for (int i = 0; i < n + 5; i++) {
        long t0 = System.nanoTime();
        pre.prepare(FrameInput.raw(rgb, FrameInput.PixelFormat.RGB24, 512, 512, 0, null, false), spec);
        if (i >= 5) {
          t[i - 5] = (System.nanoTime() - t0) / 1e6;
        }
      }
      Arrays.sort(t);
      System.out.printf("prepare (raw RGB24 + detect + crop), astronaut: min %.1f ms, median %.1f ms%n", t[0], t[n / 2]);
    }
  }
}
