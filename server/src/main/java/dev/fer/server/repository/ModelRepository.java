package dev.fer.server.repository;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fer.spi.ModelCard;
import dev.fer.spi.ModelLoadException;
import dev.fer.spi.ModelVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The model repository on disk, laid out like Triton's: {@code <pipeline>/pipeline.json} and
 * {@code <pipeline>/<stage>/<version>/{model.onnx,card.json}}. Only reads; loading is the
 * pipeline loader's job.
 */
public final class ModelRepository {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;

  public ModelRepository(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /** Every folder under the root with a pipeline.json, sorted by name. */
  public List<Path> pipelineDirectories() throws ModelLoadException {
    if (!Files.isDirectory(root)) {
      throw new ModelLoadException("model repository " + root + " does not exist");
    }
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.filter(d -> Files.isRegularFile(d.resolve("pipeline.json"))).sorted().toList();
    } catch (IOException e) {
      throw new ModelLoadException("cannot list model repository " + root + ": " + e.getMessage(), e);
    }
  }

  public static PipelineSpec readSpec(Path pipelineDir) throws ModelLoadException {
    Path file = pipelineDir.resolve("pipeline.json");
    try {
      PipelineSpec spec = JSON.readValue(file.toFile(), PipelineSpec.class);
      if (spec.name() == null || spec.name().isBlank()) {
        spec = new PipelineSpec(pipelineDir.getFileName().toString(), spec.description(),
            spec.encoder(), spec.classifier(), spec.generators(), spec.defaultVariant());
      }
      return spec;
    } catch (IOException e) {
      throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The newest (highest numeric) version folder of a stage. */
  public static ModelVersion latestVersion(Path stageDir) throws ModelLoadException {
    if (!Files.isDirectory(stageDir)) {
      throw new ModelLoadException("stage folder " + stageDir + " does not exist");
    }
    Optional<Path> newest;
    try (Stream<Path> dirs = Files.list(stageDir)) {
      newest = dirs.filter(Files::isDirectory)
          .filter(d -> d.getFileName().toString().matches("\\d+"))
          .max(Comparator.comparingLong(d -> Long.parseLong(d.getFileName().toString())));
    } catch (IOException e) {
      throw new ModelLoadException("cannot list " + stageDir + ": " + e.getMessage(), e);
    }
    return readVersion(newest.orElseThrow(() ->
        new ModelLoadException("stage folder " + stageDir + " has no numeric version folder")));
  }

  /** Versions present under a stage folder, oldest first. */
  public static List<Path> versionDirectories(Path stageDir) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(stageDir)) {
      return out;
    }
    try (Stream<Path> dirs = Files.list(stageDir)) {
      dirs.filter(Files::isDirectory)
          .filter(d -> d.getFileName().toString().matches("\\d+"))
          .sorted(Comparator.comparingLong(d -> Long.parseLong(d.getFileName().toString())))
          .forEach(out::add);
    }
    return out;
  }

  /** One version folder: its card must be there and name a model file that exists. */
  public static ModelVersion readVersion(Path versionDir) throws ModelLoadException {
    Path cardFile = versionDir.resolve("card.json");
    if (!Files.isRegularFile(cardFile)) {
      throw new ModelLoadException(versionDir + " has no card.json");
    }
    ModelCard card = ModelCard.read(cardFile);
    ModelVersion version = new ModelVersion(versionDir.getParent().getFileName().toString(),
        versionDir.getFileName().toString(), versionDir, card);
    if (!Files.isRegularFile(version.modelFile())) {
      throw new ModelLoadException(versionDir + " has no " + card.modelFile());
    }
    return version;
  }
}
