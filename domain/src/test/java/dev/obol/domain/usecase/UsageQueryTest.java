package dev.obol.domain.usecase;

import static dev.obol.domain.testing.ObolAssertions.assertInvalidArgument;
import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.UsageGrouping;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UsageQueryTest {

  static final AccountId ALICE = AccountId.of("alice");
  static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void everyPartIsRequiredInTheOrderACallerReadsThem() {
    assertInvalidArgument(
        () -> new UsageQuery(ALICE, null, null, null, null), "asset", "MISSING_FIELD");
    assertInvalidArgument(
        () -> new UsageQuery(ALICE, Asset.TOKEN, null, FROM, UsageGrouping.DAY), "from", "MISSING_FIELD");
    assertInvalidArgument(
        () -> new UsageQuery(ALICE, Asset.TOKEN, FROM, null, UsageGrouping.DAY), "to", "MISSING_FIELD");
    assertInvalidArgument(
        () -> new UsageQuery(ALICE, Asset.TOKEN, FROM, FROM.plusSeconds(1), null), "group_by", "MISSING_FIELD");
  }

  @Test
  void toMustBeAfterFrom() {
    assertInvalidArgument(
        () -> new UsageQuery(ALICE, Asset.TOKEN, FROM, FROM, UsageGrouping.DAY), "to", "INVALID_TIME_RANGE");
    assertInvalidArgument(
        () -> new UsageQuery(ALICE, Asset.TOKEN, FROM, FROM.minusNanos(1), UsageGrouping.DAY),
        "to",
        "INVALID_TIME_RANGE");
    assertThat(new UsageQuery(ALICE, Asset.TOKEN, FROM, FROM.plusNanos(1), UsageGrouping.DAY).to())
        .isEqualTo(FROM.plusNanos(1));
  }

  @Test
  void theSpanIsAtMost366Days() {
    Instant yearOn = FROM.plus(Duration.ofDays(366));
    assertThat(new UsageQuery(ALICE, Asset.EUR, FROM, yearOn, UsageGrouping.MONTH).to()).isEqualTo(yearOn);
    assertInvalidArgument(
        () -> new UsageQuery(ALICE, Asset.EUR, FROM, yearOn.plusNanos(1), UsageGrouping.MONTH),
        "to",
        "TIME_RANGE_TOO_LONG");
  }
}
