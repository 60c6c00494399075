package dev.fer.benchmarks;

import com.google.inject.Guice;
import dev.fer.server.config.ServerConfig;
import dev.fer.server.config.ServerModule;
import dev.fer.spi.FaceSpec;
import dev.fer.spi.FrameInput;
import dev.fer.spi.PreparedFaces;
import dev.fer.spi.Preprocessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH microbenchmarks of the per-frame CPU work before the models: decoding and preparing a
 * 48x48 JPEG face crop, a raw RGB24 frame, and a full photo with face detection.
 * Run: {@code java -Dfer.home=. -cp "benchmarks/target/fer-benchmarks.jar:benchmarks/target/lib/*" org.openjdk.jmh.Main PreprocessBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PreprocessBenchmark {
  private Preprocessor preprocessor;
  private FaceSpec spec;
  private byte[] jpegCrop;
  private byte[] rawFrame;
  private byte[] photo;

  @Setup
  public void setUp() throws Exception {
    ServerConfig config = new ServerConfig();
    preprocessor = Guice.createInjector(new ServerModule(config)).getInstance(Preprocessor.class);
    spec = new FaceSpec(48, 48, 0.5f, 0.5f);
    Path data = ServerConfig.home().resolve("../shared/data/fer2013/validation/happy").normalize();
    try (Stream<Path> s = Files.list(data)) {
      jpegCrop = Files.readAllBytes(s.sorted().findFirst().orElseThrow());
    }
    rawFrame = new byte[640 * 480 * 3];
    for (int i = 0; i < rawFrame.length; i++) {
      rawFrame[i] = (byte) (i * 31);
    }
    Path samples = ServerConfig.home().resolve("samples/faces");
    if (Files.isDirectory(samples)) {
      try (Stream<Path> s = Files.list(samples)) {
        photo = Files.readAllBytes(s.filter(p -> p.toString().endsWith(".png")).sorted().findFirst().orElseThrow());
      }
    }
  }

  @Benchmark
  public PreparedFaces jpegFaceCrop() throws Exception {
    return preprocessor.prepare(FrameInput.encoded(jpegCrop, List.of(), true), spec);
  }

  @Benchmark
  public PreparedFaces rawRgbFrameWithKnownBox() throws Exception {
    return preprocessor.prepare(FrameInput.raw(rawFrame, FrameInput.PixelFormat.RGB24, 640, 480, 0,
        List.of(new dev.fer.spi.FaceBox(200, 120, 180, 200, 1f)), false), spec);
  }

  @Benchmark
  public PreparedFaces photoWithDetection() throws Exception {
    if (photo == null) {
      return null;
    }
    return preprocessor.prepare(FrameInput.encoded(photo, List.of(), false), spec);
  }
}
