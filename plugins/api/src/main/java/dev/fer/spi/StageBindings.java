package dev.fer.spi;

import com.google.inject.Binder;
import com.google.inject.multibindings.MapBinder;

/**
 * Where plugins register their factories, keyed by the runtime a model card names
 * ({@code "runtime"} in card.json, {@code "onnx"} when absent). A new generator type is a new
 * module that adds one entry here plus the runtime line in its cards; the core does not change.
 */
public final class StageBindings {
  private StageBindings() {}

  public static MapBinder<String, GeneratorFactory> generators(Binder binder) {
    return MapBinder.newMapBinder(binder, String.class, GeneratorFactory.class);
  }

  public static MapBinder<String, EncoderFactory> encoders(Binder binder) {
    return MapBinder.newMapBinder(binder, String.class, EncoderFactory.class);
  }

  public static MapBinder<String, ClassifierFactory> classifiers(Binder binder) {
    return MapBinder.newMapBinder(binder, String.class, ClassifierFactory.class);
  }
}
