package dev.fer.server.oip;

import java.util.List;

/** One decoded request input: FP32 values or BYTES elements, with the shape the client gave. */
record InputTensor(String name, String datatype, long[] shape, float[] floats, List<byte[]> bytes) {
  int batch() {
    return (int) shape[0];
  }
}
