package dev.obol.bench;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latencies in microseconds, counted in log-linear buckets (exact below 128 µs, then 64 buckets per power of two:
 * under 1.6% error), so percentiles can be read at any moment while calls keep completing, in fixed memory whatever
 * the run's length.
 */
final class LatencyHistogram {

  private static final int LINEAR = 128;
  private static final int PER_OCTAVE = 64;
  /** Up to 2^40 µs (12 days): any longer value is counted in the last bucket. */
  private static final int BUCKETS = LINEAR + (40 - 7) * PER_OCTAVE;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

  void record(long micros) {
    counts.incrementAndGet(index(Math.max(0, micros)));
  }

  long count() {
    long n = 0;
    for (int i = 0; i < BUCKETS; i++) {
      n += counts.get(i);
    }
    return n;
  }

  /** The {@code percentile} (0–100) in milliseconds, as the upper bound of its bucket; 0 when nothing is recorded. */
  double percentileMillis(double percentile) {
    long[] snapshot = new long[BUCKETS];
    long n = 0;
    for (int i = 0; i < BUCKETS; i++) {
      snapshot[i] = counts.get(i);
      n += snapshot[i];
    }
    if (n == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * n));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += snapshot[i];
      if (seen >= rank) {
        return upperBound(i) / 1000.0;
      }
    }
    return upperBound(BUCKETS - 1) / 1000.0;
  }

  static int index(long micros) {
    if (micros < LINEAR) {
      return (int) micros;
    }
    int msb = 63 - Long.numberOfLeadingZeros(micros); // ≥ 7
    int shift = msb - 6;
    int top = (int) (micros >>> shift); // 64..127
    return Math.min(BUCKETS - 1, LINEAR + (msb - 7) * PER_OCTAVE + (top - PER_OCTAVE));
  }

  /** The largest value counted in bucket {@code index}. */
  static long upperBound(int index) {
    if (index < LINEAR) {
      return index;
    }
    int octave = (index - LINEAR) / PER_OCTAVE; // msb - 7
    int top = (index - LINEAR) % PER_OCTAVE + PER_OCTAVE;
    int shift = octave + 1;
    return (((long) top + 1) << shift) - 1;
  }
}
