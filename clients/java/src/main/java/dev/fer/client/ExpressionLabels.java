package dev.fer.client;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Canonical expression names, and the dataset spellings that map to them. */
public final class ExpressionLabels {
  public static final List<String> CANONICAL =
      List.of("neutral", "anger", "contempt", "disgust", "fear", "happiness", "sadness", "surprise");

  private static final Map<String, String> ALIASES = Map.ofEntries(
      Map.entry("angry", "anger"), Map.entry("happy", "happiness"), Map.entry("sad", "sadness"),
      Map.entry("sadness", "sadness"), Map.entry("surprised", "surprise"), Map.entry("disgusted", "disgust"),
      Map.entry("fearful", "fear"), Map.entry("scared", "fear"), Map.entry("happiness", "happiness"),
      Map.entry("anger", "anger"), Map.entry("neutral", "neutral"), Map.entry("contempt", "contempt"),
      Map.entry("disgust", "disgust"), Map.entry("fear", "fear"), Map.entry("surprise", "surprise"));

  private ExpressionLabels() {}

  /** The canonical name for a folder or label name, or null when it is not an expression. */
  public static String canonical(String name) {
    return ALIASES.get(name.trim().toLowerCase(Locale.ROOT));
  }
}
