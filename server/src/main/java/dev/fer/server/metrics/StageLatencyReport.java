package dev.fer.server.metrics;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;

/**
 * One stage's latency histogram in milliseconds, with percentiles interpolated inside the buckets
 * the way Prometheus' histogram_quantile does it.
 *
 * @param upperBoundsMs bucket upper bounds (the last is +Inf)
 * @param counts observations per bucket, not cumulative
 */
public record StageLatencyReport(String stage, long count, double sumMs, double[] upperBoundsMs, long[] counts) {

  static StageLatencyReport of(String stage, HistogramSnapshot.HistogramDataPointSnapshot d) {
    ClassicHistogramBuckets b = d.getClassicBuckets();
    double[] bounds = new double[b.size()];
    long[] counts = new long[b.size()];
    for (int i = 0; i < b.size(); i++) {
      bounds[i] = b.getUpperBound(i) * 1000;
      counts[i] = b.getCount(i);
    }
    return new StageLatencyReport(stage, d.getCount(), d.getSum() * 1000, bounds, counts);
  }

  public double meanMs() {
    return count == 0 ? 0 : sumMs / count;
  }

  /** @param q in [0, 1] */
  public double percentileMs(double q) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    if (total == 0) {
      return 0;
    }
    double rank = q * total;
    long below = 0;
    for (int i = 0; i < counts.length; i++) {
      if (below + counts[i] >= rank && counts[i] > 0) {
        double lower = i == 0 ? 0 : upperBoundsMs[i - 1];
        if (Double.isInfinite(upperBoundsMs[i])) {
          return lower;
        }
        return lower + (upperBoundsMs[i] - lower) * (rank - below) / counts[i];
      }
      below += counts[i];
    }
    return upperBoundsMs[upperBoundsMs.length - 1];
  }
}
