package dev.obol.persistence;

import dev.obol.domain.port.IdGenerator;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ids shaped like UUIDv7: 48 bits of milliseconds then 80 random bits, in hex after a type prefix
 * ({@code dbt_0193…}). Time-ordered, so they index well; random enough that instances never need to coordinate.
 */
public final class TimeOrderedIds implements IdGenerator {

  @Override
  public String newId(String prefix) {
    long millis = System.currentTimeMillis() & 0xFFFF_FFFF_FFFFL;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (millis << 16) | (random.nextLong() & 0xFFFFL);
    long low = random.nextLong();
    return prefix + "_" + String.format("%016x%016x", high, low);
  }
}
