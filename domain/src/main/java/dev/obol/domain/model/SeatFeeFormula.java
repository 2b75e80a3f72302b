package dev.obol.domain.model;

import dev.obol.domain.error.InvalidArgumentException;

/**
 * A per-seat plan's monthly fee: nothing for no seats (the teachers' old SQL charged 3 EUR for zero students), else
 * {@code baseCents + perExtraCents * (seats - 1)}. Exact arithmetic: a fee that would not fit a {@code long} is
 * rejected ({@code FEE_OVERFLOW}), never wrapped or saturated, so nobody is ever charged a wrong amount.
 */
public record SeatFeeFormula(long baseCents, long perExtraCents) {

  public static final long DEFAULT_BASE_CENTS = 500;
  public static final long DEFAULT_PER_EXTRA_CENTS = 200;

  public SeatFeeFormula {
    if (baseCents < 0 || perExtraCents < 0) {
      throw new IllegalArgumentException("seat fee base and per-extra must be 0 or more cents");
    }
  }

  public static SeatFeeFormula defaults() {
    return new SeatFeeFormula(DEFAULT_BASE_CENTS, DEFAULT_PER_EXTRA_CENTS);
  }

  public long feeCents(SeatCount seats) {
    return feeCents(seats.value());
  }

  /** The pure formula on any seat count, for plans and tests beyond {@link SeatCount#SEAT_COUNT_MAX}. */
  public long feeCents(long seatCount) {
    if (seatCount < 0) {
      throw new InvalidArgumentException("seat_count", "SEAT_COUNT_NEGATIVE", "seat_count must be 0 or more");
    }
    if (seatCount == 0) {
      return 0;
    }
    try {
      return Math.addExact(baseCents, Math.multiplyExact(perExtraCents, seatCount - 1));
    } catch (ArithmeticException e) {
      throw new InvalidArgumentException(
          "seat_count", "FEE_OVERFLOW", "the monthly fee for " + seatCount + " seats does not fit 64 bits");
    }
  }
}
