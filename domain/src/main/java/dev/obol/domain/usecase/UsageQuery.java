package dev.obol.domain.usecase;

import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.UsageGrouping;
import dev.obol.domain.model.Validate;
import java.time.Duration;
import java.time.Instant;

/**
 * A usage summary's question: one wallet, the half-open window [from, to) on the entries' created_at, and the
 * grouping of its rows. Checked in the order a caller reads the fields.
 */
public record UsageQuery(AccountId accountId, Asset asset, Instant from, Instant to, UsageGrouping groupBy) {

  /** A year, leap day included. */
  public static final Duration SPAN_MAX = Duration.ofDays(366);

  public UsageQuery {
    Validate.required("account_id", accountId);
    Validate.required("asset", asset);
    Validate.required("from", from);
    Validate.required("to", to);
    if (!to.isAfter(from)) {
      throw new InvalidArgumentException("to", "INVALID_TIME_RANGE", "to must be after from");
    }
    if (Duration.between(from, to).compareTo(SPAN_MAX) > 0) {
      throw new InvalidArgumentException(
          "to", "TIME_RANGE_TOO_LONG", "from and to may be at most " + SPAN_MAX.toDays() + " days apart");
    }
    Validate.required("group_by", groupBy);
  }
}
