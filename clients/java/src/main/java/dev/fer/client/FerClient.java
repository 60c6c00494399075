package dev.fer.client;

import com.google.protobuf.ByteString;
import dev.fer.v1.EncodedImage;
import dev.fer.v1.GetPipelineRequest;
import dev.fer.v1.Image;
import dev.fer.v1.ListPipelinesRequest;
import dev.fer.v1.ListPipelinesResponse;
import dev.fer.v1.Pipeline;
import dev.fer.v1.RecognitionGrpc;
import dev.fer.v1.RecognizeRequest;
import dev.fer.v1.RecognizeResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;

/**
 * A small client for fer.v1.Recognition: blocking calls for single images, and
 * {@link RecognizeSession} for streams.
 *
 * <pre>
 * try (FerClient client = FerClient.connect("localhost:50051")) {
 *   RecognizeResponse r = client.recognize(Files.readAllBytes(photo));
 * }
 * </pre>
 */
public final class FerClient implements AutoCloseable {
  private final ManagedChannel channel;
  private final boolean ownsChannel;
  private final RecognitionGrpc.RecognitionBlockingStub blocking;
  private final RecognitionGrpc.RecognitionStub async;

  public FerClient(ManagedChannel channel) {
    this(channel, false);
  }

  private FerClient(ManagedChannel channel, boolean ownsChannel) {
    this.channel = channel;
    this.ownsChannel = ownsChannel;
    this.blocking = RecognitionGrpc.newBlockingStub(channel);
    this.async = RecognitionGrpc.newStub(channel);
  }

  /** Plaintext connection to host:port, with a message limit big enough for camera frames. */
  public static FerClient connect(String target) {
    ManagedChannel channel = NettyChannelBuilder.forTarget(target)
        .usePlaintext()
        .maxInboundMessageSize(64 * 1024 * 1024)
        .build();
    return new FerClient(channel, true);
  }

  public ManagedChannel channel() {
    return channel;
  }

  /** Recognises the faces in an encoded image (JPEG, PNG, ...). */
  public RecognizeResponse recognize(byte[] encodedImage) {
    return recognize(request(encodedImage).build());
  }

  public RecognizeResponse recognize(RecognizeRequest request) {
    return blocking.recognizeImage(request);
  }

  public ListPipelinesResponse listPipelines() {
    return blocking.listPipelines(ListPipelinesRequest.getDefaultInstance());
  }

  public Pipeline pipeline(String name) {
    return blocking.getPipeline(GetPipelineRequest.newBuilder().setName(name).build());
  }

  /** Opens a bidirectional stream; results arrive in frame order. */
  public RecognizeSession stream(int maxInFlight) {
    return new RecognizeSession(async, maxInFlight);
  }

  /** A request builder for an encoded image; add face_crop, pipeline, variant as needed. */
  public static RecognizeRequest.Builder request(byte[] encodedImage) {
    return RecognizeRequest.newBuilder()
        .setImage(Image.newBuilder().setEncoded(EncodedImage.newBuilder().setData(ByteString.copyFrom(encodedImage))));
  }

  @Override
  public void close() {
    if (ownsChannel) {
      channel.shutdown();
      try {
        if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
          channel.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        channel.shutdownNow();
      }
    }
  }
}
