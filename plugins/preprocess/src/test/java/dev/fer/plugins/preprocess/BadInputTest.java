package dev.fer.plugins.preprocess;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fer.spi.FaceBox;
import dev.fer.spi.FaceSpec;
import dev.fer.spi.FrameInput;
import dev.fer.spi.FrameInput.PixelFormat;
import dev.fer.spi.InvalidInputException;
import dev.fer.spi.PreprocessConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BadInputTest {
  static final FaceSpec SPEC = new FaceSpec(48, 48, 0.5f, 0.5f);
  final FacePreprocessor pre = new FacePreprocessor(
      new PreprocessConfig(Path.of("/nonexistent/detector"), 0.15f, 0.6f, 1_000_000L, 4),
      () -> { throw new AssertionError("detector must not be needed"); });

  private String fail(FrameInput frame) {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> pre.prepare(frame, SPEC));
    return e.getMessage();
  }

  private static void says(String message, String... parts) {
    for (String p : parts) {
      assertTrue(message.contains(p), () -> "message \"" + message + "\" should mention \"" + p + "\"");
    }
  }

  @Test
  void emptyEncodedBytes() {
    says(fail(FrameInput.encoded(new byte[0], null, true)), "empty image", "no image bytes");
    says(fail(FrameInput.encoded(null, null, true)), "empty image");
  }

  @Test
  void emptyRawBytes() {
    says(fail(FrameInput.raw(new byte[0], PixelFormat.RGB24, 4, 4, 0, null, true)), "empty image");
  }

  @Test
  void unknownEncodedBytesListAcceptedFormats() {
    says(fail(FrameInput.encoded("hello, not an image".getBytes(), null, true)),
        "cannot decode", "JPEG, PNG, BMP, GIF or TIFF", "68 65 6c 6c");
  }

  @Test
  void truncatedPngSaysCorrupt() throws Exception {
    byte[] png = TestImages.encode(TestImages.toImage(TestImages.rgb(64, 64), 64, 64), "png");
    byte[] cut = Arrays.copyOf(png, png.length / 2);
    says(fail(FrameInput.encoded(cut, null, true)), "cannot decode the PNG", "corrupt or truncated",
        "JPEG, PNG, BMP, GIF or TIFF");
  }

  @Test
  void garbageAfterMagicNeverEscapesAsRuntimeException() {
    Random rnd = new Random(42);
    byte[][] magics = {
      {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}, {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'},
      {'B', 'M'}, {'G', 'I', 'F', '8', '9', 'a'}
    };
    for (byte[] magic : magics) {
      for (int i = 0; i < 50; i++) {
        byte[] b = new byte[magic.length + rnd.nextInt(200)];
        rnd.nextBytes(b);
        System.arraycopy(magic, 0, b, 0, magic.length);
        try {
          pre.prepare(FrameInput.encoded(b, null, true), SPEC);
        } catch (InvalidInputException expected) {
          String m = expected.getMessage();
          assertTrue(m.contains("cannot decode") || m.contains("above the limit") || m.contains("no pixels"), m);
        }
      }
    }
  }

  @Test
  void missingPixelFormat() {
    says(fail(FrameInput.raw(new byte[12], null, 2, 2, 0, null, true)), "pixel format",
        "GRAY8, RGB24, BGR24, RGBA32");
  }

  @Test
  void zeroWidthOrHeight() {
    says(fail(FrameInput.raw(new byte[12], PixelFormat.RGB24, 0, 2, 0, null, true)), "positive width and height",
        "0x2");
    says(fail(FrameInput.raw(new byte[12], PixelFormat.RGB24, 2, 0, 0, null, true)), "2x0");
  }

  @Test
  void strideSmallerThanRow() {
    says(fail(FrameInput.raw(new byte[100], PixelFormat.RGB24, 10, 2, 20, null, true)), "stride 20",
        "smaller than one row", "30 bytes");
  }

  @Test
  void dataLengthMismatchSaysExpectedAndGiven() {
    says(fail(FrameInput.raw(new byte[50], PixelFormat.RGB24, 4, 4, 0, null, true)), "48 bytes",
        "50 bytes were given");
    says(fail(FrameInput.raw(new byte[10], PixelFormat.GRAY8, 4, 4, 8, null, true)), "32 bytes",
        "10 bytes were given");
  }

  @Test
  void rawTooManyPixelsSaysLimit() {
    says(fail(FrameInput.raw(new byte[1], PixelFormat.GRAY8, 2000, 1000, 0, null, true)), "2000x1000",
        "limit of 1000000 pixels");
  }

  @Test
  void encodedTooManyPixelsRefusedBeforeDecoding() throws Exception {
    byte[] png = TestImages.encode(TestImages.grayImage(new byte[1200 * 1000], 1200, 1000), "png");
    says(fail(FrameInput.encoded(png, null, true)), "1200x1000", "limit of 1000000 pixels");
  }

  @Test
  void knownBoxOutsideImage() {
    byte[] g = TestImages.gray(100, 80);
    says(fail(FrameInput.raw(g, PixelFormat.GRAY8, 100, 80, 0,
            List.of(new FaceBox(10, 10, 20, 20, 1), new FaceBox(90, 10, 30, 30, 1)), false)),
        "known face #1", "outside the 100x80 image");
    says(fail(FrameInput.raw(g, PixelFormat.GRAY8, 100, 80, 0, List.of(new FaceBox(-20, 5, 10, 10, 1)), false)),
        "known face #0", "100x80");
  }

  @Test
  void knownBoxWithNonPositiveSize() {
    byte[] g = TestImages.gray(100, 80);
    says(fail(FrameInput.raw(g, PixelFormat.GRAY8, 100, 80, 0, List.of(new FaceBox(10, 10, 0, 20, 1)), false)),
        "known face #0", "non-positive size");
    says(fail(FrameInput.raw(g, PixelFormat.GRAY8, 100, 80, 0, List.of(new FaceBox(10, 10, 5, -3, 1)), false)),
        "non-positive size");
  }

  @Test
  void tooManyKnownBoxes() {
    byte[] g = TestImages.gray(100, 80);
    FaceBox b = new FaceBox(10, 10, 20, 20, 1);
    says(fail(FrameInput.raw(g, PixelFormat.GRAY8, 100, 80, 0, List.of(b, b, b, b, b), false)),
        "5 known faces", "at most 4");
  }

  @Test
  void detectorNeededButMissingIsAServerError() {
    FacePreprocessor p = new FacePreprocessor(PreprocessConfig.defaults(Path.of("/nonexistent")),
        () -> {
          throw new com.google.inject.ProvisionException("face detector not installed; run scripts/fetch-detector.sh");
        });
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> p.prepare(FrameInput.raw(TestImages.gray(10, 10), PixelFormat.GRAY8, 10, 10, 0, null, false), SPEC));
    says(e.getMessage(), "fetch-detector.sh", "needs face detection");
  }
}
