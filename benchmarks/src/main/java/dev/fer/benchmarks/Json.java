package dev.fer.benchmarks;

import java.util.Locale;
import java.util.Map;

/** Just enough JSON for the results file. */
final class Json {
  private Json() {}

  static String write(Object o) {
    if (o instanceof Map<?, ?> m) {
      StringBuilder b = new StringBuilder("{");
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        b.append(first ? "" : ", ").append(quote(e.getKey().toString())).append(": ").append(write(e.getValue()));
        first = false;
      }
      return b.append('}').toString();
    }
    if (o instanceof java.util.List<?> list) {
      StringBuilder b = new StringBuilder("[");
      for (int i = 0; i < list.size(); i++) {
        b.append(i == 0 ? "" : ", ").append(write(list.get(i)));
      }
      return b.append(']').toString();
    }
    if (o instanceof Double d) {
      return String.format(Locale.ROOT, "%.4f", d);
    }
    if (o instanceof Number || o instanceof Boolean) {
      return o.toString();
    }
    return quote(String.valueOf(o));
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
