package dev.fer.plugins.preprocess;

/**
 * Resizes a rectangle of a {@link DecodedImage} (any real position and size, also partly or wholly
 * outside the frame, which is then padded with its edge pixels) to an output grid. Shrinking uses
 * an area (box) average over the exact source footprint of each output pixel, so large crops do
 * not alias; enlarging uses bilinear interpolation. Separable, two passes, no per-pixel objects.
 */
public final class Resampler {
  private Resampler() {}

  /** ITU-R BT.601 luma weights. */
  static final float KR = 0.299f;
  static final float KG = 0.587f;
  static final float KB = 0.114f;

  /**
   * Per output index: a run of (clamped source index, weight) pairs. The indices of one run are
   * consecutive (taps that clamp to the same edge pixel are merged), which the passes rely on.
   */
  static final class Axis {
    final int[] start; // n + 1 offsets into index/weight
    final int[] index;
    final float[] weight;
    final int min;
    final int max;

    Axis(int[] start, int[] index, float[] weight, int min, int max) {
      this.start = start;
      this.index = index;
      this.weight = weight;
      this.min = min;
      this.max = max;
    }
  }

  static Axis axis(double from, double length, int n, int srcLength) {
    double scale = length / n;
    int[] start = new int[n + 1];
    int cap = scale > 1 ? n * ((int) Math.ceil(scale) + 2) : n * 2;
    int[] index = new int[cap];
    float[] weight = new float[cap];
    int k = 0;
    int min = Integer.MAX_VALUE;
    int max = Integer.MIN_VALUE;
    int last = srcLength - 1;
    for (int i = 0; i < n; i++) {
      start[i] = k;
      if (scale > 1) {
        double a = from + i * scale;
        double b = a + scale;
        int p0 = (int) Math.floor(a);
        int p1 = (int) Math.ceil(b);
        for (int p = p0; p < p1; p++) {
          double overlap = Math.min(b, p + 1) - Math.max(a, p);
          if (overlap <= 1e-9) {
            continue;
          }
          int q = p < 0 ? 0 : (p > last ? last : p);
          if (k > start[i] && index[k - 1] == q) {
            weight[k - 1] += (float) (overlap / scale); // merge edge padding into one tap
          } else {
            index[k] = q;
            weight[k] = (float) (overlap / scale);
            k++;
          }
        }
      } else {
        double c = from + (i + 0.5) * scale - 0.5;
        int p = (int) Math.floor(c);
        float f = (float) (c - p);
        int q0 = p < 0 ? 0 : (p > last ? last : p);
        int q1 = p + 1 < 0 ? 0 : (p + 1 > last ? last : p + 1);
        if (q0 == q1 || f == 0f) {
          index[k] = f == 0f ? q0 : q1;
          weight[k] = 1f;
          k++;
        } else {
          index[k] = q0;
          weight[k] = 1f - f;
          k++;
          index[k] = q1;
          weight[k] = f;
          k++;
        }
      }
      for (int j = start[i]; j < k; j++) {
        min = Math.min(min, index[j]);
        max = Math.max(max, index[j]);
      }
    }
    start[n] = k;
    return new Axis(start, index, weight, min, max);
  }

  /**
   * Grey (BT.601 luma of RGB, or the grey value itself) of the rectangle, resized to outW x outH,
   * written as {@code value * scale + bias} into {@code out[offset + y * outW + x]}.
   */
  public static void luma(DecodedImage src, double x0, double y0, double width, double height,
      int outW, int outH, float[] out, int offset, float scale, float bias) {
    resample(src, x0, y0, width, height, outW, outH, true, out, offset, outW, 0, scale, bias);
  }

  /**
   * R, G, B planes (grey replicated) of the rectangle, resized to outW x outH, written as
   * {@code value * scale + bias} at {@code out[offset + c * planeStride + y * rowStride + x]}.
   */
  public static void rgbPlanar(DecodedImage src, double x0, double y0, double width, double height,
      int outW, int outH, float[] out, int offset, int rowStride, int planeStride, float scale,
      float bias) {
    resample(src, x0, y0, width, height, outW, outH, false, out, offset, rowStride, planeStride, scale,
        bias);
  }

  private static void resample(DecodedImage src, double x0, double y0, double width, double height,
      int outW, int outH, boolean grey, float[] out, int offset, int rowStride, int planeStride,
      float scale, float bias) {
    if (outW <= 0 || outH <= 0 || !(width > 0) || !(height > 0)) {
      throw new IllegalArgumentException("bad resample geometry " + width + "x" + height + " -> "
          + outW + "x" + outH);
    }
    Axis ax = axis(x0, width, outW, src.width());
    Axis ay = axis(y0, height, outH, src.height());
    int ch = grey ? 1 : 3;
    int srcCh = src.channels();
    byte[] px = src.pixels();
    int rows = ay.max - ay.min + 1;
    float[] tmp = new float[rows * outW * ch]; // horizontal pass: [row][x][c]
    int[] tapIndex = ax.index;
    float[] tapWeight = ax.weight;
    int[] tapStart = ax.start;
    for (int r = 0; r < rows; r++) {
      int rowBase = (ay.min + r) * src.width() * srcCh;
      int t = r * outW * ch;
      if (srcCh == 1) {
        for (int x = 0; x < outW; x++) {
          float s0 = 0;
          int k0 = tapStart[x];
          int q = rowBase + tapIndex[k0];
          for (int k = k0, k1 = tapStart[x + 1]; k < k1; k++, q++) {
            s0 += tapWeight[k] * (px[q] & 0xff);
          }
          tmp[t++] = s0;
          if (!grey) {
            tmp[t++] = s0;
            tmp[t++] = s0;
          }
        }
      } else {
        for (int x = 0; x < outW; x++) {
          float s0 = 0;
          float s1 = 0;
          float s2 = 0;
          int k0 = tapStart[x];
          int q = rowBase + tapIndex[k0] * 3;
          for (int k = k0, k1 = tapStart[x + 1]; k < k1; k++, q += 3) {
            float wk = tapWeight[k];
            s0 += wk * (px[q] & 0xff);
            s1 += wk * (px[q + 1] & 0xff);
            s2 += wk * (px[q + 2] & 0xff);
          }
          if (grey) {
            tmp[t++] = KR * s0 + KG * s1 + KB * s2; // luma is linear: weight after averaging
          } else {
            tmp[t++] = s0;
            tmp[t++] = s1;
            tmp[t++] = s2;
          }
        }
      }
    }
    float[] acc = new float[outW * ch];
    for (int y = 0; y < outH; y++) {
      java.util.Arrays.fill(acc, 0f);
      int k1 = ay.start[y + 1];
      for (int k = ay.start[y]; k < k1; k++) {
        float wk = ay.weight[k];
        int t = (ay.index[k] - ay.min) * outW * ch;
        for (int i = 0; i < acc.length; i++) {
          acc[i] += wk * tmp[t + i];
        }
      }
      int o = offset + y * rowStride;
      if (ch == 1) {
        for (int x = 0; x < outW; x++) {
          out[o + x] = acc[x] * scale + bias;
        }
      } else {
        for (int x = 0, i = 0; x < outW; x++, i += 3) {
          out[o + x] = acc[i] * scale + bias;
          out[o + planeStride + x] = acc[i + 1] * scale + bias;
          out[o + 2 * planeStride + x] = acc[i + 2] * scale + bias;
        }
      }
    }
  }
}
