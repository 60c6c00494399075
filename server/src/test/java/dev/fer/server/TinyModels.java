package dev.fer.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.fer.server.config.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * A tiny but real model repository, written by the test itself: 8x8 faces, generators that are
 * ONNX graphs of one or two nodes, an encoder that concatenates face and (face - reference), a
 * linear classifier. Runs in microseconds, so admin tests can hammer swaps without the trained
 * models, and every variant is a real ONNX model on the real loading path.
 */
public final class TinyModels {
  static final int SIZE = 8;
  static final String CONTRACT = "tiny-gcn-1";
  static final List<String> CLASSES = List.of("anger", "disgust", "fear", "happiness", "neutral", "sadness", "surprise");

  private TinyModels() {}

  /** models/tiny with generators alpha (identity), beta (x0.5) and gamma (negation); alpha is the default. */
  public static Path repository(Path root) throws IOException {
    Path p = root.resolve("tiny");
    Files.createDirectories(p);
    Files.writeString(p.resolve("pipeline.json"), """
        {"name": "tiny", "encoder": "encoder", "classifier": "classifier",
         "generators": ["generator-alpha", "generator-beta", "generator-gamma"], "default_variant": "alpha"}
        """);
    generator(p.resolve("generator-alpha/1"), "alpha", "identity");
    generator(p.resolve("generator-beta/1"), "beta", "half");
    generator(p.resolve("generator-gamma/1"), "gamma", "negate");
    write(p.resolve("encoder/1"), encoderCard(), encoder());
    write(p.resolve("classifier/1"), classifierCard(), classifier());
    return root;
  }

  /**
   * Synthetic 48x48 greyscale PNG "faces" (seeded noise over a gradient): the tiny models only need
   * pixels, so the admin tests do not depend on the shared face data.
   */
  public static byte[] face(int seed) {
    java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(48, 48, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
    Random r = new Random(seed);
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 48; x++) {
        int v = Math.max(0, Math.min(255, (x * 3 + y * 2 + seed * 37) % 256 + (int) (r.nextGaussian() * 40)));
        img.getRaster().setSample(x, y, 0, v);
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      javax.imageio.ImageIO.write(img, "png", png);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return png.toByteArray();
  }

  /** A server config on the tiny repository, every port free and on loopback. */
  public static ServerConfig config(Path root) {
    return new ServerConfig().set("models", root.toString()).set("default-pipeline", "tiny")
        .set("host", "127.0.0.1").set("port", "0").set("admin-port", "0").set("metrics-port", "0")
        .set("metrics-host", "127.0.0.1").set("workers", "2").set("batch-threads", "2");
  }

  /** A generator version folder; kind is identity, half or negate. */
  public static Path generator(Path dir, String variant, String kind) throws IOException {
    write(dir, generatorCard(variant, CONTRACT), generatorModel(kind));
    return dir;
  }

  static void write(Path dir, String card, byte[] model) throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve("model.onnx"), model);
    Files.writeString(dir.resolve("card.json"), card);
  }

  static String generatorCard(String variant, String contract) {
    return """
        {"name": "tiny-generator-%s", "stage": "generator", "variant": "%s", "version": "1", "contract": "%s",
         "input_size": [8, 8], "channels": 1, "normalization": {"mean": 0.5, "std": 0.5},
         "inputs": [{"name": "face", "shape": [-1, 1, 8, 8], "dtype": "float32"}],
         "outputs": [{"name": "reference", "shape": [-1, 1, 8, 8], "dtype": "float32"}]}
        """.formatted(variant, variant, contract);
  }

  private static String encoderCard() {
    return """
        {"name": "tiny-encoder", "stage": "encoder", "version": "1", "contract": "%s",
         "input_size": [8, 8], "channels": 1, "normalization": {"mean": 0.5, "std": 0.5},
         "inputs": [{"name": "face", "shape": [-1, 1, 8, 8]}, {"name": "reference", "shape": [-1, 1, 8, 8]}],
         "outputs": [{"name": "embedding", "shape": [-1, 128]}], "embedding_dim": 128}
        """.formatted(CONTRACT);
  }

  private static String classifierCard() {
    return """
        {"name": "tiny-classifier", "stage": "classifier", "version": "1", "contract": "%s",
         "input_size": [8, 8], "channels": 1, "normalization": {"mean": 0.5, "std": 0.5},
         "inputs": [{"name": "embedding", "shape": [-1, 128]}],
         "outputs": [{"name": "logits", "shape": [-1, 7]}],
         "classes": ["anger", "disgust", "fear", "happiness", "neutral", "sadness", "surprise"], "embedding_dim": 128}
        """.formatted(CONTRACT);
  }

  static byte[] generatorModel(String kind) throws IOException {
    Graph g = new Graph();
    switch (kind) {
      case "identity" -> g.node("Identity", List.of("face"), "reference");
      case "half" -> {
        g.initializer("half", new long[0], new float[] {0.5f});
        g.node("Mul", List.of("face", "half"), "reference");
      }
      case "negate" -> g.node("Neg", List.of("face"), "reference");
      default -> throw new IllegalArgumentException(kind);
    }
    g.input("face", -1, 1, SIZE, SIZE);
    g.output("reference", -1, 1, SIZE, SIZE);
    return g.model();
  }

  private static byte[] encoder() throws IOException {
    Graph g = new Graph();
    g.node("Sub", List.of("face", "reference"), "difference");
    g.node("Concat", List.of("face", "difference"), "both", 1);
    g.node("Flatten", List.of("both"), "embedding", 1);
    g.input("face", -1, 1, SIZE, SIZE);
    g.input("reference", -1, 1, SIZE, SIZE);
    g.output("embedding", -1, 2 * SIZE * SIZE);
    return g.model();
  }

  private static byte[] classifier() throws IOException {
    Graph g = new Graph();
    Random r = new Random(42);
    float[] w = new float[2 * SIZE * SIZE * CLASSES.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextGaussian() * 0.3f;
    }
    g.initializer("weights", new long[] {2 * SIZE * SIZE, CLASSES.size()}, w);
    g.node("MatMul", List.of("embedding", "weights"), "logits");
    g.input("embedding", -1, 2 * SIZE * SIZE);
    g.output("logits", -1, CLASSES.size());
    return g.model();
  }

  /** Just enough of onnx.proto (ModelProto/GraphProto) written field by field; -1 = dynamic "N". */
  static final class Graph {
    private final ByteArrayOutputStream nodes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream initializers = new ByteArrayOutputStream();
    private final ByteArrayOutputStream inputs = new ByteArrayOutputStream();
    private final ByteArrayOutputStream outputs = new ByteArrayOutputStream();
    private int count;

    /** axis >= 0 adds an int attribute "axis" (Concat, Flatten). */
    void node(String op, List<String> in, String out, int... axis) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      CodedOutputStream c = CodedOutputStream.newInstance(b);
      for (String i : in) {
        c.writeString(1, i);
      }
      c.writeString(2, out);
      c.writeString(3, "n" + count++);
      c.writeString(4, op);
      if (axis.length > 0) {
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        CodedOutputStream ac = CodedOutputStream.newInstance(a);
        ac.writeString(1, "axis");
        ac.writeInt64(3, axis[0]);
        ac.writeInt32(20, 2);
        ac.flush();
        c.writeBytes(5, ByteString.copyFrom(a.toByteArray()));
      }
      c.flush();
      field(nodes, 1, b.toByteArray());
    }

    void initializer(String name, long[] dims, float[] values) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      CodedOutputStream c = CodedOutputStream.newInstance(b);
      for (long d : dims) {
        c.writeInt64(1, d);
      }
      c.writeInt32(2, 1);
      java.nio.ByteBuffer raw = java.nio.ByteBuffer.allocate(values.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      for (float v : values) {
        raw.putFloat(v);
      }
      c.writeString(8, name);
      c.writeBytes(9, ByteString.copyFrom(raw.array()));
      c.flush();
      field(initializers, 5, b.toByteArray());
    }

    void input(String name, long... shape) throws IOException {
      field(inputs, 11, valueInfo(name, shape));
    }

    void output(String name, long... shape) throws IOException {
      field(outputs, 12, valueInfo(name, shape));
    }

    private static byte[] valueInfo(String name, long[] shape) throws IOException {
      ByteArrayOutputStream dims = new ByteArrayOutputStream();
      for (long d : shape) {
        ByteArrayOutputStream dim = new ByteArrayOutputStream();
        CodedOutputStream c = CodedOutputStream.newInstance(dim);
        if (d < 0) {
          c.writeString(2, "N");
        } else {
          c.writeInt64(1, d);
        }
        c.flush();
        field(dims, 1, dim.toByteArray());
      }
      ByteArrayOutputStream tensor = new ByteArrayOutputStream();
      CodedOutputStream t = CodedOutputStream.newInstance(tensor);
      t.writeInt32(1, 1);
      t.writeBytes(2, ByteString.copyFrom(dims.toByteArray()));
      t.flush();
      ByteArrayOutputStream type = new ByteArrayOutputStream();
      field(type, 1, tensor.toByteArray());
      ByteArrayOutputStream info = new ByteArrayOutputStream();
      CodedOutputStream i = CodedOutputStream.newInstance(info);
      i.writeString(1, name);
      i.writeBytes(2, ByteString.copyFrom(type.toByteArray()));
      i.flush();
      return info.toByteArray();
    }

    byte[] model() throws IOException {
      ByteArrayOutputStream graph = new ByteArrayOutputStream();
      graph.write(nodes.toByteArray());
      field(graph, 2, "g".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      graph.write(initializers.toByteArray());
      graph.write(inputs.toByteArray());
      graph.write(outputs.toByteArray());
      ByteArrayOutputStream model = new ByteArrayOutputStream();
      CodedOutputStream m = CodedOutputStream.newInstance(model);
      m.writeInt64(1, 8);
      m.writeBytes(7, ByteString.copyFrom(graph.toByteArray()));
      ByteArrayOutputStream opset = new ByteArrayOutputStream();
      CodedOutputStream o = CodedOutputStream.newInstance(opset);
      o.writeString(1, "");
      o.writeInt64(2, 17);
      o.flush();
      m.writeBytes(8, ByteString.copyFrom(opset.toByteArray()));
      m.flush();
      return model.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, int number, byte[] bytes) throws IOException {
      CodedOutputStream c = CodedOutputStream.newInstance(out);
      c.writeBytes(number, ByteString.copyFrom(bytes));
      c.flush();
    }
  }
}
