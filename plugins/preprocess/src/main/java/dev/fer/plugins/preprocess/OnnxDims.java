package dev.fer.plugins.preprocess;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Rewrites, in memory, the declared shapes of some graph inputs/outputs of an ONNX model to
 * symbolic dimensions, so that ONNX Runtime accepts any size there. Needed for models exported
 * with a fixed example size (CenterFace declares [10,3,32,32] but is fully convolutional), and
 * drops weights that old exporters also listed as graph inputs (so ORT can fold them). Works
 * on the protobuf wire format directly; everything else is copied byte for byte.
 *
 * <p>ModelProto.graph = 7; GraphProto.input = 11, output = 12; ValueInfoProto.name = 1, type = 2;
 * TypeProto.tensor_type = 1; Tensor.elem_type = 1, shape = 2; TensorShapeProto.dim = 1;
 * Dimension.dim_value = 1, dim_param = 2.
 */
final class OnnxDims {
  private OnnxDims() {}

  /** Returns the patched model; throws IllegalArgumentException when the bytes are not ONNX. */
  static byte[] makeDynamic(byte[] model, Set<String> names) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(model.length + 256);
    int[] patched = {0};
    Reader r = new Reader(model, 0, model.length);
    while (r.more()) {
      int fieldStart = r.pos;
      long tag = r.varint();
      int field = (int) (tag >>> 3);
      int wire = (int) (tag & 7);
      if (field == 7 && wire == 2) {
        int len = (int) r.varint();
        byte[] graph = rewriteGraph(model, r.pos, r.pos + len, names, patched);
        r.pos += len;
        writeLen(out, 7, graph);
      } else {
        r.skip(wire);
        out.write(model, fieldStart, r.pos - fieldStart);
      }
    }
    if (patched[0] == 0) {
      throw new IllegalArgumentException("no graph input/output named " + names + " found in the model");
    }
    return out.toByteArray();
  }

  private static byte[] rewriteGraph(byte[] b, int from, int to, Set<String> names, int[] patched) {
    Set<String> initializers = initializerNames(b, from, to);
    ByteArrayOutputStream out = new ByteArrayOutputStream(to - from + 256);
    Reader r = new Reader(b, from, to);
    while (r.more()) {
      int fieldStart = r.pos;
      long tag = r.varint();
      int field = (int) (tag >>> 3);
      int wire = (int) (tag & 7);
      if ((field == 11 || field == 12) && wire == 2) {
        int len = (int) r.varint();
        int end = r.pos + len;
        String name = valueInfoName(b, r.pos, end);
        if (name != null && names.contains(name)) {
          writeLen(out, field, rewriteValueInfo(b, r.pos, end, name));
          patched[0]++;
        } else if (field == 11 && name != null && initializers.contains(name)) {
          // IR < 4 style: weights listed as graph inputs keep ORT from folding constants; drop them
        } else {
          out.write(b, fieldStart, end - fieldStart);
        }
        r.pos = end;
      } else {
        r.skip(wire);
        out.write(b, fieldStart, r.pos - fieldStart);
      }
    }
    return out.toByteArray();
  }

  /** GraphProto.initializer = 5, TensorProto.name = 8. */
  private static Set<String> initializerNames(byte[] b, int from, int to) {
    Set<String> names = new java.util.HashSet<>();
    Reader r = new Reader(b, from, to);
    while (r.more()) {
      long tag = r.varint();
      int wire = (int) (tag & 7);
      if ((tag >>> 3) == 5 && wire == 2) {
        int len = (int) r.varint();
        Reader t = new Reader(b, r.pos, r.pos + len);
        while (t.more()) {
          long ttag = t.varint();
          int twire = (int) (ttag & 7);
          if ((ttag >>> 3) == 8 && twire == 2) {
            int slen = (int) t.varint();
            names.add(new String(b, t.pos, slen, StandardCharsets.UTF_8));
            t.pos += slen;
          } else {
            t.skip(twire);
          }
        }
        r.pos += len;
      } else {
        r.skip(wire);
      }
    }
    return names;
  }

  private static String valueInfoName(byte[] b, int from, int to) {
    Reader r = new Reader(b, from, to);
    while (r.more()) {
      long tag = r.varint();
      int wire = (int) (tag & 7);
      if ((tag >>> 3) == 1 && wire == 2) {
        int len = (int) r.varint();
        return new String(b, r.pos, len, StandardCharsets.UTF_8);
      }
      r.skip(wire);
    }
    return null;
  }

  private static byte[] rewriteValueInfo(byte[] b, int from, int to, String name) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Reader r = new Reader(b, from, to);
    while (r.more()) {
      int fieldStart = r.pos;
      long tag = r.varint();
      int wire = (int) (tag & 7);
      if ((tag >>> 3) == 2 && wire == 2) {
        int len = (int) r.varint();
        writeLen(out, 2, dynamicType(b, r.pos, r.pos + len, name));
        r.pos += len;
      } else {
        r.skip(wire);
        out.write(b, fieldStart, r.pos - fieldStart);
      }
    }
    return out.toByteArray();
  }

  /** TypeProto{tensor_type{elem_type, shape{dim{dim_param}...}}} keeping elem_type and rank. */
  private static byte[] dynamicType(byte[] b, int from, int to, String name) {
    long elemType = 1; // float
    int rank = 0;
    Reader r = new Reader(b, from, to);
    while (r.more()) {
      long tag = r.varint();
      int wire = (int) (tag & 7);
      if ((tag >>> 3) == 1 && wire == 2) {
        int len = (int) r.varint();
        Reader t = new Reader(b, r.pos, r.pos + len);
        while (t.more()) {
          long ttag = t.varint();
          int twire = (int) (ttag & 7);
          if ((ttag >>> 3) == 1 && twire == 0) {
            elemType = t.varint();
          } else if ((ttag >>> 3) == 2 && twire == 2) {
            int slen = (int) t.varint();
            Reader s = new Reader(b, t.pos, t.pos + slen);
            while (s.more()) {
              long stag = s.varint();
              if ((stag >>> 3) == 1) {
                rank++;
              }
              s.skip((int) (stag & 7));
            }
            t.pos += slen;
          } else {
            t.skip(twire);
          }
        }
        r.pos += len;
      } else {
        r.skip(wire);
      }
    }
    ByteArrayOutputStream shape = new ByteArrayOutputStream();
    for (int i = 0; i < rank; i++) {
      ByteArrayOutputStream dim = new ByteArrayOutputStream();
      writeLen(dim, 2, (name + "_dim" + i).getBytes(StandardCharsets.UTF_8));
      writeLen(shape, 1, dim.toByteArray());
    }
    ByteArrayOutputStream tensor = new ByteArrayOutputStream();
    writeVarint(tensor, (1 << 3));
    writeVarint(tensor, elemType);
    writeLen(tensor, 2, shape.toByteArray());
    ByteArrayOutputStream type = new ByteArrayOutputStream();
    writeLen(type, 1, tensor.toByteArray());
    return type.toByteArray();
  }

  private static void writeLen(ByteArrayOutputStream out, int field, byte[] payload) {
    writeVarint(out, ((long) field << 3) | 2);
    writeVarint(out, payload.length);
    out.write(payload, 0, payload.length);
  }

  private static void writeVarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static final class Reader {
    final byte[] b;
    int pos;
    final int end;

    Reader(byte[] b, int pos, int end) {
      if (pos < 0 || end > b.length || pos > end) {
        throw new IllegalArgumentException("not an ONNX model: bad length");
      }
      this.b = b;
      this.pos = pos;
      this.end = end;
    }

    boolean more() {
      return pos < end;
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw new IllegalArgumentException("not an ONNX model: truncated varint");
        }
        int c = b[pos++] & 0xff;
        v |= (long) (c & 0x7F) << shift;
        if ((c & 0x80) == 0) {
          return v;
        }
      }
      throw new IllegalArgumentException("not an ONNX model: bad varint");
    }

    void skip(int wire) {
      switch (wire) {
        case 0 -> varint();
        case 1 -> pos += 8;
        case 2 -> {
          long len = varint();
          pos += (int) len;
        }
        case 5 -> pos += 4;
        default -> throw new IllegalArgumentException("not an ONNX model: wire type " + wire);
      }
      if (pos > end) {
        throw new IllegalArgumentException("not an ONNX model: field runs past its message");
      }
    }
  }
}
