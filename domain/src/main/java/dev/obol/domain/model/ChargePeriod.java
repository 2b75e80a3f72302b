package dev.obol.domain.model;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;

/** A monthly charge period: one calendar month in UTC. Written "2026-11". */
public record ChargePeriod(YearMonth month) implements Comparable<ChargePeriod> {

  public ChargePeriod {
    Validate.required("period", month);
  }

  public static ChargePeriod containing(Instant instant) {
    return new ChargePeriod(YearMonth.from(instant.atOffset(ZoneOffset.UTC)));
  }

  public static ChargePeriod parse(String text) {
    return new ChargePeriod(YearMonth.parse(text));
  }

  public Instant start() {
    return month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
  }

  public ChargePeriod next() {
    return new ChargePeriod(month.plusMonths(1));
  }

  public boolean isAfter(ChargePeriod other) {
    return month.isAfter(other.month);
  }

  @Override
  public int compareTo(ChargePeriod other) {
    return month.compareTo(other.month);
  }

  @Override
  public String toString() {
    return month.toString();
  }
}
