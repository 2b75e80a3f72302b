package dev.obol.domain.usecase;

import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.model.UsageGrouping;
import dev.obol.domain.model.Validate;
import java.time.Duration;
import java.time.Instant;

/** A sales summary's question: the half-open window [from, to) and its periods, UTC days or months. */
public record SalesQuery(Instant from, Instant to, UsageGrouping groupBy) {

  public SalesQuery {
    Validate.required("from", from);
    Validate.required("to", to);
    if (!to.isAfter(from)) {
      throw new InvalidArgumentException("to", "INVALID_TIME_RANGE", "to must be after from");
    }
    if (Duration.between(from, to).compareTo(UsageQuery.SPAN_MAX) > 0) {
      throw new InvalidArgumentException(
          "to", "TIME_RANGE_TOO_LONG", "from and to may be at most " + UsageQuery.SPAN_MAX.toDays() + " days apart");
    }
    Validate.required("group_by", groupBy);
    if (groupBy == UsageGrouping.FEATURE) {
      throw new InvalidArgumentException("group_by", "UNKNOWN_ENUM_VALUE", "sales are grouped by day or month");
    }
  }
}
