package dev.fer.server.grpc;

import com.google.protobuf.ByteString;
import dev.fer.server.core.FrameResult;
import dev.fer.server.core.FrameTask;
import dev.fer.server.core.RecognitionException;
import dev.fer.spi.FaceBox;
import dev.fer.spi.FrameInput;
import dev.fer.v1.Box;
import dev.fer.v1.ClassScore;
import dev.fer.v1.FaceResult;
import dev.fer.v1.RawImage;
import dev.fer.v1.RecognizeRequest;
import dev.fer.v1.RecognizeResponse;
import dev.fer.v1.StageTiming;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Between fer.v1 messages and the transport-free core types. */
public final class ProtoMapping {
  private ProtoMapping() {}

  static FrameTask task(RecognizeRequest request, String routingKey, BooleanSupplier cancelled)
      throws RecognitionException {
    return new FrameTask(request.getPipeline(), request.getVariant(),
        request.getRoutingKey().isEmpty() ? routingKey : request.getRoutingKey(),
        frame(request), request.getReturnReference(), request.getGroundTruth(), cancelled);
  }

  private static FrameInput frame(RecognizeRequest request) throws RecognitionException {
    List<FaceBox> boxes = new ArrayList<>(request.getFacesCount());
    for (Box b : request.getFacesList()) {
      boxes.add(new FaceBox(b.getX(), b.getY(), b.getWidth(), b.getHeight(), b.getScore() == 0 ? 1f : b.getScore()));
    }
    switch (request.getImage().getKindCase()) {
      case ENCODED:
        return FrameInput.encoded(request.getImage().getEncoded().getData().toByteArray(), boxes, request.getFaceCrop());
      case RAW:
        RawImage raw = request.getImage().getRaw();
        FrameInput.PixelFormat format = switch (raw.getFormat()) {
          case GRAY8 -> FrameInput.PixelFormat.GRAY8;
          case RGB24 -> FrameInput.PixelFormat.RGB24;
          case BGR24 -> FrameInput.PixelFormat.BGR24;
          case RGBA32 -> FrameInput.PixelFormat.RGBA32;
          default -> throw invalid("raw image has unknown pixel format " + raw.getFormatValue()
              + "; use GRAY8, RGB24, BGR24 or RGBA32");
        };
        return FrameInput.raw(raw.getData().toByteArray(), format, raw.getWidth(), raw.getHeight(),
            raw.getStride(), boxes, request.getFaceCrop());
      default:
        throw invalid("request " + request.getFrameId() + " has no image (set image.encoded or image.raw)");
    }
  }

  private static RecognitionException invalid(String message) {
    return new RecognitionException(RecognitionException.Kind.INVALID_ARGUMENT, message);
  }

  static RecognizeResponse response(long frameId, FrameResult result) {
    RecognizeResponse.Builder b = RecognizeResponse.newBuilder()
        .setFrameId(frameId)
        .setPipeline(result.pipeline())
        .setVariant(result.variant())
        .setImageWidth(result.imageWidth())
        .setImageHeight(result.imageHeight());
    for (FrameResult.Face face : result.faces()) {
      FaceResult.Builder f = FaceResult.newBuilder()
          .setBox(Box.newBuilder().setX(face.box().x()).setY(face.box().y())
              .setWidth(face.box().width()).setHeight(face.box().height()).setScore(face.box().score()))
          .setLabel(face.label())
          .setConfidence(face.confidence());
      for (int i = 0; i < face.scores().length; i++) {
        f.addScores(ClassScore.newBuilder().setLabel(face.classes().get(i)).setScore(face.scores()[i]));
      }
      if (face.referencePng().length > 0) {
        f.setReferencePng(ByteString.copyFrom(face.referencePng()));
      }
      b.addFaces(f);
    }
    for (Map.Entry<String, Double> t : result.timingsMillis().entrySet()) {
      b.addTimings(StageTiming.newBuilder().setStage(t.getKey()).setMillis(t.getValue()));
    }
    return b.build();
  }

  static RecognizeResponse error(long frameId, Throwable error) {
    Status status = GrpcStatuses.status(error);
    return RecognizeResponse.newBuilder()
        .setFrameId(frameId)
        .setError(com.google.rpc.Status.newBuilder()
            .setCode(status.getCode().value())
            .setMessage(status.getDescription() == null ? "" : status.getDescription()))
        .build();
  }


}
