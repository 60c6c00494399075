package dev.fer.spi;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One stage model on ONNX Runtime, checked against its card when it is opened: the tensor names
 * the card promises must exist and their fixed dimensions must match, so a wrong model is refused
 * at load time instead of failing on the first frame.
 */
public abstract class OnnxStageModel implements AutoCloseable {
  protected final ModelCard card;
  protected final OrtSession session;
  private final String[] inputNames;
  private final String outputName;

  protected OnnxStageModel(ModelVersion model, OnnxSessions sessions, List<long[]> expectedInputs,
      long[] expectedOutput, String... defaultInputNames) throws ModelLoadException {
    this.card = model.card();
    this.session = sessions.open(model.modelFile());
    try {
      this.inputNames = resolveInputs(model, expectedInputs, defaultInputNames);
      this.outputName = resolveOutput(model, expectedOutput);
    } catch (ModelLoadException | RuntimeException e) {
      closeQuietly();
      throw e;
    } catch (OrtException e) {
      closeQuietly();
      throw new ModelLoadException(model + ": cannot read the model's inputs/outputs: " + e.getMessage(), e);
    }
  }

  public ModelCard card() {
    return card;
  }

  /** Runs the model and hands the first output to the caller, who closes it. */
  protected OnnxTensor run(OnnxTensor... inputs) throws OrtException {
    Map<String, OnnxTensor> feed = inputs.length == 1
        ? Map.of(inputNames[0], inputs[0])
        : Map.of(inputNames[0], inputs[0], inputNames[1], inputs[1]);
    OrtSession.Result result = session.run(feed, java.util.Set.of(outputName));
    // The Result only holds the values; the caller owns (and closes) the output tensor.
    return (OnnxTensor) result.get(0);
  }

  private String[] resolveInputs(ModelVersion model, List<long[]> expected, String[] defaults)
      throws OrtException, ModelLoadException {
    Map<String, NodeInfo> actual = session.getInputInfo();
    if (actual.size() != expected.size()) {
      throw new ModelLoadException(model + ": a " + card.stage() + " model takes " + expected.size()
          + " input(s), this one takes " + actual.size() + " " + actual.keySet());
    }
    String[] names = new String[expected.size()];
    for (int i = 0; i < names.length; i++) {
      String name = card.inputName(i) != null ? card.inputName(i) : defaults[i];
      NodeInfo info = actual.get(name);
      if (info == null) {
        throw new ModelLoadException(model + ": the card names input '" + name
            + "' but the model's inputs are " + actual.keySet());
      }
      checkShape(model, "input '" + name + "'", info, expected.get(i));
      names[i] = name;
    }
    return names;
  }

  private String resolveOutput(ModelVersion model, long[] expected) throws OrtException, ModelLoadException {
    Map<String, NodeInfo> actual = session.getOutputInfo();
    String name = card.outputName(0) != null ? card.outputName(0) : actual.keySet().iterator().next();
    NodeInfo info = actual.get(name);
    if (info == null) {
      throw new ModelLoadException(model + ": the card names output '" + name
          + "' but the model's outputs are " + actual.keySet());
    }
    checkShape(model, "output '" + name + "'", info, expected);
    return name;
  }

  /** Dimensions <= 0 in {@code expected} or in the model are free (the batch axis, say). */
  private static void checkShape(ModelVersion model, String what, NodeInfo info, long[] expected)
      throws ModelLoadException {
    if (!(info.getInfo() instanceof TensorInfo tensor)) {
      throw new ModelLoadException(model + ": " + what + " is not a tensor");
    }
    if (tensor.type != ai.onnxruntime.OnnxJavaType.FLOAT) {
      throw new ModelLoadException(model + ": " + what + " is " + tensor.type + ", expected FLOAT");
    }
    long[] shape = tensor.getShape();
    boolean ok = shape.length == expected.length;
    for (int i = 0; ok && i < shape.length; i++) {
      ok = expected[i] <= 0 || shape[i] <= 0 || expected[i] == shape[i];
    }
    if (!ok) {
      throw new ModelLoadException(model + ": " + what + " has shape " + Arrays.toString(shape)
          + ", expected " + Arrays.toString(expected) + " (-1 = any) from the card");
    }
  }

  private void closeQuietly() {
    try {
      session.close();
    } catch (OrtException ignored) {
      // Already failing; the load error is the one worth reporting.
    }
  }

  @Override
  public void close() {
    closeQuietly();
  }
}
