package dev.fer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fer.server.core.TrafficSplit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrafficSplitTest {
  @Test
  void seventyThirtyOverManyKeysLandsNearSeventyThirtyAndEachKeyKeepsItsVariant() {
    Map<String, Double> w = new LinkedHashMap<>();
    w.put("autoencoder", 70.0);
    w.put("vae", 30.0);
    TrafficSplit split = TrafficSplit.single("autoencoder").withWeights(w);
    Map<String, Integer> counts = new HashMap<>();
    int streams = 5000;
    for (int i = 0; i < streams; i++) {
      String key = "camera-" + i;
      String v = split.pick(key);
      counts.merge(v, 1, Integer::sum);
      for (int again = 0; again < 3; again++) {
        assertEquals(v, split.pick(key), "a key keeps its variant");
      }
    }
    assertEquals(0.70, counts.get("autoencoder") / (double) streams, 0.03);
    assertEquals(0.30, counts.get("vae") / (double) streams, 0.03);
  }

  @Test
  void withoutWeightsEverythingGoesToTheActiveVariant() {
    TrafficSplit split = TrafficSplit.single("gan");
    for (int i = 0; i < 100; i++) {
      assertEquals("gan", split.pick("k" + i));
      assertEquals("gan", split.pick(""));
    }
  }
}
