package dev.obol.domain.testing;

import dev.obol.domain.port.IdGenerator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Predictable ids for tests: {@code prefix + "_" + counter}, the counter zero-padded to six digits and counted per
 * prefix, so the first grant is {@code grt_000001} and the first debit {@code dbt_000001}. Padding keeps string order
 * equal to creation order (up to 999,999 ids per prefix), like the time-ordered ids of production. Thread-safe.
 */
public final class SequentialIds implements IdGenerator {

  private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();

  @Override
  public String newId(String prefix) {
    if (prefix == null || prefix.isEmpty()) {
      throw new IllegalArgumentException("prefix is required");
    }
    long next = counters.computeIfAbsent(prefix, p -> new AtomicLong()).incrementAndGet();
    return format(prefix, next);
  }

  /** The id that the {@code n}th call with {@code prefix} returns (1-based), for assertions. */
  public static String id(String prefix, long n) {
    return format(prefix, n);
  }

  private static String format(String prefix, long n) {
    return prefix + "_" + String.format("%06d", n);
  }
}
