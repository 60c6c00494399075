package dev.fer.plugins.preprocess;

import dev.fer.spi.FrameInput;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class TmpBenchTest {
  @Test
  void bench() throws Exception {
    BufferedImage a = ImageIO.read(TestImages.samplesDir().resolve("astronaut.png").toFile());
    BufferedImage c = ImageIO.read(TestImages.samplesDir().resolve("camera.png").toFile());
    BufferedImage both = new BufferedImage(1024, 512, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = both.createGraphics();
    g.drawImage(a, 0, 0, null);
    g.drawImage(c, 512, 0, null);
    g.dispose();
    BufferedImage big = new BufferedImage(1920, 1080, BufferedImage.TYPE_3BYTE_BGR);
    g = big.createGraphics();
    g.drawImage(a, 700, 300, null);
    g.dispose();
    DecodedImage[] imgs = {
      ImageDecoder.decode(FrameInput.encoded(Files.readAllBytes(TestImages.samplesDir().resolve("astronaut.png")), null, false), Long.MAX_VALUE),
      ImageDecoder.fromBufferedImage(both), ImageDecoder.fromBufferedImage(big)};
    String[] names = {"astronaut512", "pair1024x512", "hd1920x1080"};
    for (int side : new int[] {320, 416, 512, 640}) {
      try (CenterFaceDetector d = new CenterFaceDetector(TestImages.detectorDir(), 0.3f, side)) {
        for (int k = 0; k < imgs.length; k++) {
          d.detect(imgs[k]);
          int n = 25;
          double[] t = new double[n];
          for (int i = 0; i < n; i++) { long t0 = System.nanoTime(); d.detect(imgs[k]); t[i] = (System.nanoTime() - t0) / 1e6; }
          java.util.Arrays.sort(t);
          float[] buf = new float[3 * 640 * 640];
          long r0 = System.nanoTime();
          for (int i = 0; i < 10; i++) Resampler.rgbPlanar(imgs[k], 0, 0, imgs[k].width(), imgs[k].height(), side, side * imgs[k].height() / imgs[k].width(), buf, 0, 640, 640 * 640, 1f, 0f);
          System.out.printf("side %d %s: min %.1f median %.1f ms (resample %.1f ms) %d faces%n", side, names[k], t[0], t[n / 2], (System.nanoTime() - r0) / 1e7, d.detect(imgs[k]).size());
        }
      }
    }
  }
}
