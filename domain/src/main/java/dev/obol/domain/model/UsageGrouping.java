package dev.obol.domain.model;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** What one row of a usage summary is: a feature, a UTC day or a UTC month. */
public enum UsageGrouping {
  FEATURE,
  DAY,
  MONTH;

  private static final DateTimeFormatter DAY_KEY = DateTimeFormatter.ofPattern("uuuu-MM-dd").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MONTH_KEY = DateTimeFormatter.ofPattern("uuuu-MM").withZone(ZoneOffset.UTC);

  /**
   * A row's key: the feature name ("" for debits of an asset and amount without one), or the UTC day
   * ({@code 2026-12-03}) or month ({@code 2026-12}) that {@code at} falls in.
   */
  public String key(String feature, Instant at) {
    return switch (this) {
      case FEATURE -> feature == null ? "" : feature;
      case DAY -> DAY_KEY.format(at);
      case MONTH -> MONTH_KEY.format(at);
    };
  }
}
