package dev.fer.server.oip;

import java.util.Arrays;
import java.util.stream.Collectors;

/** A tensor as the protocol describes it: name, datatype (FP32, BYTES) and shape, -1 = any size. */
record TensorMeta(String name, String datatype, long[] shape) {
  static final String FP32 = "FP32";
  static final String BYTES = "BYTES";

  static TensorMeta fp32(String name, long... shape) {
    return new TensorMeta(name, FP32, shape);
  }

  static TensorMeta bytes(String name, long... shape) {
    return new TensorMeta(name, BYTES, shape);
  }

  /** "face FP32 [-1,1,48,48]", for error messages that say what was expected. */
  String describe() {
    return name + " " + datatype + " " + shapeText(shape);
  }

  static String shapeText(long[] shape) {
    return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]"));
  }

  /** Same rank, and every fixed dimension equal. */
  boolean accepts(long[] given) {
    if (given.length != shape.length) {
      return false;
    }
    for (int i = 0; i < shape.length; i++) {
      if (given[i] < 0 || (shape[i] >= 0 && shape[i] != given[i])) {
        return false;
      }
    }
    return true;
  }
}
