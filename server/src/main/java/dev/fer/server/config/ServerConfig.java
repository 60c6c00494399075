package dev.fer.server.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Every setting of the server, with defaults that just work on a small CPU machine. Values come
 * from a properties file ({@code --config}) and are overridden by command-line flags; keys are
 * the flag names without dashes, e.g. {@code port=50051}.
 */
public final class ServerConfig {
  private final Map<String, String> values = new TreeMap<>();

  public static final Map<String, String> DEFAULTS = Map.ofEntries(
      Map.entry("host", "0.0.0.0"),
      Map.entry("port", "50051"),
      Map.entry("models", home().resolve("models").toString()),
      Map.entry("default-pipeline", "fer2013"),
      Map.entry("provider", "cpu"),
      Map.entry("provider-required", "false"),
      Map.entry("device-id", "0"),
      Map.entry("intra-op-threads", "1"),
      Map.entry("tensorrt-fp16", "false"),
      Map.entry("tensorrt-engine-cache", ""),
      Map.entry("workers", String.valueOf(Runtime.getRuntime().availableProcessors())),
      Map.entry("queue-capacity", "1024"),
      // auto = 8 on the CPU provider (the best in-process batch on the 2-core VM, see
      // benchmarks/results), 32 on CUDA/TensorRT, where bigger batches keep the GPU busy.
      Map.entry("max-batch", "auto"),
      Map.entry("max-batch-delay-us", "0"),
      // How long prepared faces may be held back while the workers prepare more frames for the
      // same batch (a few cheap face crops fill a batch in ~1 ms; a face detection takes longer).
      Map.entry("max-batch-hold-us", "2000"),
      Map.entry("batch-threads", String.valueOf(Runtime.getRuntime().availableProcessors())),
      Map.entry("stream-window", "4"),
      Map.entry("max-message-bytes", String.valueOf(16 * 1024 * 1024)),
      Map.entry("max-image-pixels", "40000000"),
      Map.entry("max-faces", "16"),
      Map.entry("crop-margin", "0.15"),
      Map.entry("min-face-score", "0.6"),
      Map.entry("detector", ""),
      Map.entry("shutdown-grace-seconds", "30"),
      // Admin API (fer.v1.Admin) on its own port; -1 turns it off, 0 takes any free port.
      Map.entry("admin-port", "50052"),
      // Address the admin API binds; empty = 127.0.0.1, or 0.0.0.0 once a token or mutual TLS is set.
      Map.entry("admin-host", ""),
      // Bearer token admin calls must send ('authorization: Bearer <token>'); empty = none.
      Map.entry("admin-token", ""),
      // Environment variable read for the admin token when admin-token is empty (keeps it out of files).
      Map.entry("admin-token-env", "FER_ADMIN_TOKEN"),
      // Mutual TLS for the admin API (set all three or none): the server's certificate (PEM) ...
      Map.entry("admin-tls-cert", ""),
      // ... its private key (PKCS#8 PEM) ...
      Map.entry("admin-tls-key", ""),
      // ... and the CA (PEM) that signs the client certificates allowed in.
      Map.entry("admin-tls-client-ca", ""),
      // Bearer token for the Recognition service too; empty = recognition stays open.
      Map.entry("recognition-token", ""),
      // Prometheus /metrics over HTTP; -1 turns it off, 0 takes any free port.
      Map.entry("metrics-port", "9464"),
      // Address the /metrics endpoint binds.
      Map.entry("metrics-host", "0.0.0.0"),
      // Watch mode: load, warm and swap in generator version folders that appear in the repository.
      Map.entry("watch-models", "false"),
      // How often watch mode polls the repository; a new folder loads once unchanged for one interval.
      Map.entry("watch-interval-ms", "2000"),
      // How long an unloaded or replaced variant may take to finish its frames before it is closed anyway.
      Map.entry("drain-timeout-seconds", "30"));

  /** The installation folder (bin/fer sets fer.home); models and samples live under it. */
  public static Path home() {
    return Path.of(System.getProperty("fer.home", ".")).toAbsolutePath().normalize();
  }

  public ServerConfig() {
    values.putAll(DEFAULTS);
  }

  /** Reads a properties file; unknown keys are an error, so a typo does not go unnoticed. */
  public ServerConfig load(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    }
    for (String key : p.stringPropertyNames()) {
      set(key, p.getProperty(key).trim());
    }
    return this;
  }

  public ServerConfig set(String key, String value) {
    String k = key.trim().toLowerCase(Locale.ROOT);
    if (!DEFAULTS.containsKey(k)) {
      throw new IllegalArgumentException("unknown setting '" + key + "'; known settings: " + DEFAULTS.keySet());
    }
    values.put(k, value);
    return this;
  }

  public String string(String key) {
    String v = values.get(key);
    if (v == null) {
      throw new IllegalArgumentException("unknown setting '" + key + "'");
    }
    return v;
  }

  public int integer(String key) {
    try {
      return Integer.parseInt(string(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("setting '" + key + "' must be a whole number, got '" + string(key) + "'");
    }
  }

  /** Most faces per chain run: {@code max-batch}, with {@code auto} resolved by provider. */
  public int maxBatch() {
    if (string("max-batch").equals("auto")) {
      return string("provider").equals("cpu") ? 8 : 32;
    }
    int n = integer("max-batch");
    if (n < 1) {
      throw new IllegalArgumentException("setting 'max-batch' must be at least 1 or auto, got " + n);
    }
    return n;
  }

  public long longValue(String key) {
    try {
      return Long.parseLong(string(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("setting '" + key + "' must be a whole number, got '" + string(key) + "'");
    }
  }

  public float decimal(String key) {
    try {
      return Float.parseFloat(string(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("setting '" + key + "' must be a number, got '" + string(key) + "'");
    }
  }

  public boolean flag(String key) {
    String v = string(key).toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException("setting '" + key + "' must be true or false, got '" + v + "'");
    }
    return v.equals("true");
  }

  public Path modelsDir() {
    return Path.of(string("models"));
  }

  /** The detector folder: the setting, or the newest version under models/detector. */
  public Path detectorDir() {
    String d = string("detector");
    if (!d.isEmpty()) {
      return Path.of(d);
    }
    Path base = modelsDir().resolve("detector");
    try (var dirs = Files.list(base)) {
      return dirs.filter(Files::isDirectory).filter(p -> p.getFileName().toString().matches("\\d+"))
          .max(java.util.Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString())))
          .orElse(base.resolve("1"));
    } catch (IOException e) {
      return base.resolve("1");
    }
  }

  public Map<String, String> asMap() {
    return Map.copyOf(values);
  }
}
