package dev.obol.domain.model;

import dev.obol.domain.error.InvalidArgumentException;

/** How many seats (students) a per-seat account pays for. Bounded: no school has a million students per teacher. */
public record SeatCount(long value) {

  public static final long SEAT_COUNT_MAX = 1_000_000;
  public static final SeatCount ZERO = new SeatCount(0);

  public SeatCount {
    if (value < 0) {
      throw new InvalidArgumentException("seat_count", "SEAT_COUNT_NEGATIVE", "seat_count must be 0 or more");
    }
    if (value > SEAT_COUNT_MAX) {
      throw new InvalidArgumentException(
          "seat_count", "SEAT_COUNT_TOO_LARGE", "seat_count must be at most " + SEAT_COUNT_MAX);
    }
  }

  public static SeatCount of(long value) {
    return new SeatCount(value);
  }
}
