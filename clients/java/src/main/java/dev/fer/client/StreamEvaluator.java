package dev.fer.client;

import dev.fer.v1.RecognizeRequest;
import dev.fer.v1.RecognizeResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Streams a labelled image folder through {@code Recognize} and scores the answers. The top face
 * (highest detector score) of each frame is the prediction; no face found counts as wrong.
 */
public final class StreamEvaluator {
  private final FerClient client;
  private final String pipeline;
  private final String variant;
  private final boolean crops;

  public StreamEvaluator(FerClient client, String pipeline, String variant, boolean crops) {
    this.client = client;
    this.pipeline = pipeline == null ? "" : pipeline;
    this.variant = variant == null ? "" : variant;
    this.crops = crops;
  }

  public EvalReport run(List<ImageFolder.Item> items, boolean progress) throws InterruptedException {
    EvalReport report = new EvalReport();
    ConcurrentHashMap<Long, Long> sentAt = new ConcurrentHashMap<>();
    AtomicReference<Throwable> sendFailure = new AtomicReference<>();
    try (RecognizeSession session = client.stream(16)) {
      Thread sender = new Thread(() -> {
        try {
          for (int i = 0; i < items.size(); i++) {
            byte[] bytes = Files.readAllBytes(items.get(i).file());
            RecognizeRequest request = FerClient.request(bytes)
                .setFrameId(i).setFaceCrop(crops).setPipeline(pipeline).setVariant(variant)
                .setGroundTruth(items.get(i).label()).build();
            sentAt.put((long) i, System.nanoTime());
            session.send(request);
          }
          session.finish();
        } catch (IOException e) {
          sendFailure.set(new UncheckedIOException(e));
          session.cancel();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
          sendFailure.set(e);
        }
      }, "eval-sender");
      sender.start();
      long lastProgress = System.nanoTime();
      for (int received = 0; received < items.size(); received++) {
        RecognizeResponse r = session.next(120, TimeUnit.SECONDS);
        if (r == null) {
          break;
        }
        double ms = (System.nanoTime() - sentAt.remove(r.getFrameId())) / 1e6;
        String truth = items.get((int) r.getFrameId()).label();
        if (r.hasError()) {
          report.addError(truth, ms);
        } else if (r.getFacesCount() == 0) {
          report.add(truth, EvalReport.NO_FACE, ms, false);
        } else {
          var top = r.getFacesList().stream().max((a, b) -> Float.compare(a.getBox().getScore(), b.getBox().getScore()))
              .orElseThrow();
          report.add(truth, top.getLabel(), ms, true);
        }
        if (progress && System.nanoTime() - lastProgress > 2_000_000_000L) {
          lastProgress = System.nanoTime();
          System.err.printf("eval: %d/%d images, accuracy so far %.3f%n", received + 1, items.size(), report.accuracy());
        }
      }
      sender.join();
    }
    if (sendFailure.get() != null) {
      throw new IllegalStateException("could not send every image: " + sendFailure.get().getMessage(), sendFailure.get());
    }
    return report;
  }
}
