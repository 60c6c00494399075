package dev.fer.plugins.preprocess;

import com.google.inject.AbstractModule;
import com.google.inject.Singleton;
import dev.fer.spi.FaceDetector;
import dev.fer.spi.Preprocessor;

/**
 * Binds {@link Preprocessor} to {@link FacePreprocessor} and {@link FaceDetector} to
 * {@link CenterFaceDetector}, both singletons; needs a {@code PreprocessConfig} binding from the
 * server. The detector is created on first use (or when the server injects it to fail fast):
 * without models/detector it fails with a message that says to run scripts/fetch-detector.sh.
 */
public final class PreprocessModule extends AbstractModule {
  @Override
  protected void configure() {
    bind(Preprocessor.class).to(FacePreprocessor.class).in(Singleton.class);
    bind(FaceDetector.class).to(CenterFaceDetector.class).in(Singleton.class);
  }
}
