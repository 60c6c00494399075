package dev.fer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fer.client.FerClient;
import dev.fer.client.RecognizeSession;
import dev.fer.server.admin.AdminClient;
import dev.fer.v1.GetStatsRequest;
import dev.fer.v1.GetStatsResponse;
import dev.fer.v1.RecognizeResponse;
import dev.fer.v1.SetActiveVariantRequest;
import dev.fer.v1.SetShadowRequest;
import dev.fer.v1.SetTrafficSplitRequest;
import dev.fer.v1.ShadowAgreement;
import dev.fer.v1.VariantStats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A/B routing over real streams, and shadow runs that are recorded but never returned. */
class SplitAndShadowTest {
  @TempDir
  static Path repo;
  static FerServer server;
  static FerClient client;
  static AdminClient admin;
  static List<byte[]> faces = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    for (int i = 0; i < 3; i++) {
      faces.add(TinyModels.face(i));
    }
    TinyModels.repository(repo);
    server = TestSupport.startNetty(TinyModels.config(repo).set("workers", "4"));
    client = FerClient.connect("127.0.0.1:" + server.port());
    admin = new AdminClient("127.0.0.1:" + server.adminPort(), "", null);
  }

  @AfterAll
  static void stop() {
    admin.close();
    client.close();
    server.close();
  }

  @AfterEach
  void reset() {
    admin.stub().setShadow(SetShadowRequest.getDefaultInstance());
    admin.stub().setActiveVariant(SetActiveVariantRequest.newBuilder().setVariant("alpha").build());
  }

  /** Sends n frames on one new stream; returns the variants that answered, in order. */
  static List<String> stream(int n) throws Exception {
    List<String> variants = new ArrayList<>();
    try (RecognizeSession session = client.stream(4)) {
      for (int i = 0; i < n; i++) {
        session.send(FerClient.request(faces.get(i % faces.size())).setFaceCrop(true).setFrameId(i).build());
      }
      session.finish();
      for (RecognizeResponse r; (r = session.next(30, TimeUnit.SECONDS)) != null; ) {
        assertFalse(r.hasError(), r.getError().getMessage());
        variants.add(r.getVariant());
      }
    }
    return variants;
  }

  @Test
  void seventyThirtySplitOverManyStreamsLandsNearSeventyThirtyAndEachStreamKeepsItsVariant() throws Exception {
    admin.stub().setTrafficSplit(SetTrafficSplitRequest.newBuilder().putWeights("alpha", 70).putWeights("beta", 30).build());
    int streams = 1000; // binomial sd 0.014: the 0.07 tolerance is ~5 sd, so the test fails on a skewed split, not on chance
    Map<String, Integer> counts = new HashMap<>();
    for (int s = 0; s < streams; s++) {
      List<String> variants = stream(4);
      assertEquals(4, variants.size());
      assertEquals(1, new HashSet<>(variants).size(), "one stream sees one variant: " + variants);
      counts.merge(variants.get(0), 1, Integer::sum);
    }
    double alpha = counts.getOrDefault("alpha", 0) / (double) streams;
    System.out.printf("70/30 split over %d streams: %s (alpha share %.3f)%n", streams, counts, alpha);
    assertEquals(Set.of("alpha", "beta"), counts.keySet());
    assertEquals(0.70, alpha, 0.07, "alpha share " + counts);
  }

  @Test
  void unaryCallsSplitByWeightAndStickByRoutingKey() {
    admin.stub().setTrafficSplit(SetTrafficSplitRequest.newBuilder().putWeights("alpha", 70).putWeights("beta", 30).build());
    Map<String, Integer> counts = new HashMap<>();
    int calls = 400;
    for (int i = 0; i < calls; i++) {
      counts.merge(client.recognize(FerClient.request(faces.get(0)).setFaceCrop(true).build()).getVariant(), 1,
          Integer::sum);
    }
    assertEquals(0.70, counts.getOrDefault("alpha", 0) / (double) calls, 0.08, "unary by weight: " + counts);
    for (int k = 0; k < 20; k++) {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 3; i++) {
        seen.add(client.recognize(FerClient.request(faces.get(0)).setFaceCrop(true).setRoutingKey("camera-" + k)
            .build()).getVariant());
      }
      assertEquals(1, seen.size(), "a routing key keeps its variant");
    }
  }

  @Test
  void shadowResultsNeverReachTheClientAndAgreementIsReported() throws Exception {
    admin.stub().setShadow(SetShadowRequest.newBuilder().setVariant("gamma").build());
    int n = 30;
    List<String> variants = stream(n);
    for (int i = 0; i < n; i++) {
      RecognizeResponse r = client.recognize(FerClient.request(faces.get(i % faces.size())).setFaceCrop(true)
          .setGroundTruth("happy").build());
      variants.add(r.getVariant());
      assertEquals(1, r.getFacesCount(), "one face per crop: the shadow adds nothing to the answer");
    }
    assertEquals(Set.of("alpha"), new HashSet<>(variants), "only the primary answers");

    // Shadow runs finish after the answers: wait until all 2n are recorded.
    ShadowAgreement pair = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      GetStatsResponse stats = admin.stub().getStats(GetStatsRequest.getDefaultInstance());
      pair = stats.getShadowsList().stream().filter(s -> s.getShadow().equals("gamma")).findFirst().orElse(null);
      if (pair != null && pair.getComparedFaces() >= 2L * n) {
        break;
      }
      Thread.sleep(20);
    }
    assertTrue(pair != null && pair.getComparedFaces() >= 2L * n, "shadow pair recorded: " + pair);
    assertEquals("alpha", pair.getPrimary());
    assertEquals((double) pair.getAgreeingFaces() / pair.getComparedFaces(), pair.getAgreementRate(), 1e-9);
    VariantStats gamma = admin.stub().getStats(GetStatsRequest.newBuilder().addVariants("gamma").build())
        .getVariantsList().stream().filter(v -> v.getVariant().equals("gamma")).findFirst().orElseThrow();
    assertEquals(0, gamma.getFramesServed(), "the shadow served nothing");
    assertTrue(gamma.getFramesShadowed() >= 2L * n);
    assertTrue(gamma.getLabelledFrames() >= n, "shadow accuracy is kept too");
    System.out.printf("shadow gamma vs alpha: %d faces compared, agreement %.3f%n", pair.getComparedFaces(),
        pair.getAgreementRate());
  }
}
