package dev.fer.plugins.preprocess;

import dev.fer.spi.FrameInput;
import dev.fer.spi.FrameInput.PixelFormat;
import dev.fer.spi.InvalidInputException;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns a {@link FrameInput} into a {@link DecodedImage}: encoded JPEG, PNG, BMP or GIF (found by
 * their first bytes, decoded with javax.imageio) or raw GRAY8, RGB24, BGR24, RGBA32 pixels. Every
 * problem with the client's bytes becomes an {@link InvalidInputException} that says what is
 * wrong; no RuntimeException from a decoder escapes.
 */
public final class ImageDecoder {
  public static final String ENCODED_FORMATS = "JPEG, PNG, BMP, GIF or TIFF";
  public static final String RAW_FORMATS = "GRAY8, RGB24, BGR24, RGBA32";

  static {
    ImageIO.setUseCache(false); // decode in memory, never through temporary files
  }

  private ImageDecoder() {}

  public static DecodedImage decode(FrameInput frame, long maxImagePixels) throws InvalidInputException {
    if (frame == null) {
      throw new InvalidInputException("no frame given");
    }
    if (frame.encoded() != null && frame.encoded().length > 0) {
      return decodeEncoded(frame.encoded(), maxImagePixels);
    }
    if (frame.raw() != null && frame.raw().length > 0) {
      return decodeRaw(frame.raw(), frame.pixelFormat(), frame.width(), frame.height(), frame.stride(),
          maxImagePixels);
    }
    throw new InvalidInputException("empty image: the frame carries no image bytes (neither encoded "
        + ENCODED_FORMATS + " nor raw " + RAW_FORMATS + " pixels)");
  }

  // ---------------------------------------------------------------- encoded

  /** The format named by the first bytes, or null. */
  static String sniff(byte[] b) {
    if (b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF) {
      return "jpeg";
    }
    if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G'
        && b[4] == '\r' && b[5] == '\n' && b[6] == 0x1A && b[7] == '\n') {
      return "png";
    }
    if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8'
        && (b[4] == '7' || b[4] == '9') && b[5] == 'a') {
      return "gif";
    }
    if (b.length >= 2 && b[0] == 'B' && b[1] == 'M') {
      return "bmp";
    }
    if (b.length >= 4 && ((b[0] == 'I' && b[1] == 'I' && b[2] == 42 && b[3] == 0)
        || (b[0] == 'M' && b[1] == 'M' && b[2] == 0 && b[3] == 42))) {
      return "tiff";
    }
    return null;
  }

  static DecodedImage decodeEncoded(byte[] bytes, long maxImagePixels) throws InvalidInputException {
    String format = sniff(bytes);
    if (format == null) {
      throw new InvalidInputException("cannot decode the image: its " + bytes.length
          + " bytes are not a " + ENCODED_FORMATS + " image (first bytes " + hex(bytes, 8)
          + "); send one of those, or raw pixels in " + RAW_FORMATS + " with width, height and stride");
    }
    String name = format.toUpperCase();
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
    if (!readers.hasNext()) {
      throw new IllegalStateException("this Java runtime has no ImageIO reader for " + name);
    }
    ImageReader reader = readers.next();
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      reader.setInput(in, true, true);
      int w = reader.getWidth(0);
      int h = reader.getHeight(0);
      if (w <= 0 || h <= 0) {
        throw new InvalidInputException("the " + name + " image has no pixels (" + w + "x" + h + ")");
      }
      checkPixels(w, h, maxImagePixels);
      ImageReadParam param = reader.getDefaultReadParam();
      BufferedImage image = reader.read(0, param);
      return fromBufferedImage(image);
    } catch (InvalidInputException e) {
      throw e;
    } catch (IOException | RuntimeException | LinkageError e) {
      // ImageIO throws IIOException for damaged data, but also IndexOutOfBounds,
      // IllegalArgument, NegativeArraySize, ... for some crafted or truncated files.
      throw new InvalidInputException("cannot decode the " + name + " image (" + bytes.length
          + " bytes; corrupt or truncated?): " + describe(e) + ". Accepted: encoded " + ENCODED_FORMATS
          + ", or raw " + RAW_FORMATS + " pixels");
    } finally {
      reader.dispose();
    }
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
  }

  /** Reads the raster directly when it holds interleaved bytes; other layouts go row by row. */
  static DecodedImage fromBufferedImage(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    Raster raster = image.getRaster();
    if (image.getColorModel() instanceof ComponentColorModel cm
        && raster.getDataBuffer() instanceof DataBufferByte db
        && raster.getSampleModel() instanceof ComponentSampleModel sm
        && sm.getDataType() == DataBuffer.TYPE_BYTE
        && db.getNumBanks() == 1
        && (cm.getNumColorComponents() == 1 || cm.getNumColorComponents() == 3)) {
      byte[] data = db.getData();
      int[] bandOffsets = sm.getBandOffsets();
      int[] banks = sm.getBankIndices();
      boolean oneBank = true;
      for (int b : banks) {
        oneBank &= b == 0;
      }
      if (oneBank) {
        int pixelStride = sm.getPixelStride();
        int lineStride = sm.getScanlineStride();
        int base = db.getOffset() - raster.getSampleModelTranslateY() * lineStride
            - raster.getSampleModelTranslateX() * pixelStride;
        if (cm.getNumColorComponents() == 1) {
          byte[] out = new byte[w * h];
          int off0 = base + bandOffsets[0];
          if (pixelStride == 1) {
            for (int y = 0; y < h; y++) {
              System.arraycopy(data, off0 + y * lineStride, out, y * w, w);
            }
          } else {
            for (int y = 0, o = 0; y < h; y++) {
              int p = off0 + y * lineStride;
              for (int x = 0; x < w; x++, p += pixelStride) {
                out[o++] = data[p];
              }
            }
          }
          return new DecodedImage(w, h, 1, out);
        }
        byte[] out = new byte[w * h * 3];
        int r0 = bandOffsets[0];
        int g0 = bandOffsets[1];
        int b0 = bandOffsets[2];
        for (int y = 0, o = 0; y < h; y++) {
          int p = base + y * lineStride;
          for (int x = 0; x < w; x++, p += pixelStride) {
            out[o++] = data[p + r0];
            out[o++] = data[p + g0];
            out[o++] = data[p + b0];
          }
        }
        return new DecodedImage(w, h, 3, out);
      }
    }
    // Palette (GIF, indexed PNG), 16-bit, packed-int and other layouts: the colour model's sRGB view.
    int[] row = new int[w];
    byte[] out = new byte[w * h * 3];
    for (int y = 0, o = 0; y < h; y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        int argb = row[x];
        out[o++] = (byte) (argb >> 16);
        out[o++] = (byte) (argb >> 8);
        out[o++] = (byte) argb;
      }
    }
    return new DecodedImage(w, h, 3, out);
  }

  // ---------------------------------------------------------------- raw

  static DecodedImage decodeRaw(byte[] data, PixelFormat format, int width, int height, int stride,
      long maxImagePixels) throws InvalidInputException {
    if (format == null) {
      throw new InvalidInputException("raw pixels need a pixel format: one of " + RAW_FORMATS
          + " (none or an unknown one was given)");
    }
    if (width <= 0 || height <= 0) {
      throw new InvalidInputException("raw " + format + " frame needs a positive width and height, got "
          + width + "x" + height);
    }
    checkPixels(width, height, maxImagePixels);
    int bpp = format.bytesPerPixel;
    long row = (long) width * bpp;
    long rowStride = stride == 0 ? row : stride;
    if (stride < 0 || rowStride < row) {
      throw new InvalidInputException("raw " + format + " stride " + stride + " is smaller than one row of "
          + width + " pixels x " + bpp + " bytes = " + row + " bytes (0 means packed rows)");
    }
    long expected = rowStride * height;
    long tight = rowStride * (height - 1) + row; // last row without its padding
    if (data.length != expected && data.length != tight) {
      throw new InvalidInputException("raw " + format + " frame " + width + "x" + height + " with stride "
          + rowStride + " needs stride*height = " + expected + " bytes, but " + data.length
          + " bytes were given");
    }
    int w = width;
    int h = height;
    int s = (int) rowStride;
    switch (format) {
      case GRAY8: {
        if (s == w && data.length == w * h) {
          return new DecodedImage(w, h, 1, data);
        }
        byte[] out = new byte[w * h];
        for (int y = 0; y < h; y++) {
          System.arraycopy(data, y * s, out, y * w, w);
        }
        return new DecodedImage(w, h, 1, out);
      }
      case RGB24: {
        if (s == w * 3 && data.length == w * h * 3) {
          return new DecodedImage(w, h, 3, data);
        }
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
          System.arraycopy(data, y * s, out, y * w * 3, w * 3);
        }
        return new DecodedImage(w, h, 3, out);
      }
      case BGR24: {
        byte[] out = new byte[w * h * 3];
        for (int y = 0, o = 0; y < h; y++) {
          int p = y * s;
          for (int x = 0; x < w; x++, p += 3) {
            out[o++] = data[p + 2];
            out[o++] = data[p + 1];
            out[o++] = data[p];
          }
        }
        return new DecodedImage(w, h, 3, out);
      }
      case RGBA32: {
        byte[] out = new byte[w * h * 3];
        for (int y = 0, o = 0; y < h; y++) {
          int p = y * s;
          for (int x = 0; x < w; x++, p += 4) {
            out[o++] = data[p];
            out[o++] = data[p + 1];
            out[o++] = data[p + 2];
          }
        }
        return new DecodedImage(w, h, 3, out);
      }
      default:
        throw new InvalidInputException("unknown pixel format " + format + "; accepted: " + RAW_FORMATS);
    }
  }

  static void checkPixels(long width, long height, long maxImagePixels) throws InvalidInputException {
    if (maxImagePixels > 0 && width * height > maxImagePixels) {
      throw new InvalidInputException("image " + width + "x" + height + " has " + (width * height)
          + " pixels, above the limit of " + maxImagePixels + " pixels (maxImagePixels)");
    }
  }

  private static String hex(byte[] b, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(n, b.length); i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(String.format("%02x", b[i] & 0xff));
    }
    return sb.length() == 0 ? Arrays.toString(b) : sb.toString();
  }
}
