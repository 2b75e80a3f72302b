package dev.obol.domain.model;

import static dev.obol.domain.testing.ObolAssertions.assertInvalidArgument;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SeatFeeFormulaTest {

  @ParameterizedTest(name = "{0} seats cost {1} cents a month")
  @CsvSource({
    "0, 0",
    "1, 500",
    "2, 700",
    "5, 1300",
    "30, 6300",
    "1000000, 200000300",
    "1000000000000, 200000000000300"
  })
  void default_plan_charges_nothing_for_no_seats_then_base_plus_per_extra(long seats, long feeCents) {
    assertThat(SeatFeeFormula.defaults().feeCents(seats)).isEqualTo(feeCents);
  }

  @Test
  void zero_seats_cost_nothing_even_with_a_base_fee_unlike_the_teachers_old_sql() {
    assertThat(new SeatFeeFormula(900, 100).feeCents(SeatCount.ZERO)).isZero();
  }

  @Test
  void other_plans_are_configured_by_their_base_and_per_extra() {
    SeatFeeFormula plan = new SeatFeeFormula(1000, 0);
    assertThat(plan.feeCents(1)).isEqualTo(1000);
    assertThat(plan.feeCents(40)).isEqualTo(1000);
  }

  @Test
  void a_fee_that_does_not_fit_64_bits_is_rejected_never_wrapped() {
    assertInvalidArgument(() -> SeatFeeFormula.defaults().feeCents(Long.MAX_VALUE), "seat_count", "FEE_OVERFLOW");
    assertInvalidArgument(
        () -> new SeatFeeFormula(Long.MAX_VALUE, 1).feeCents(2), "seat_count", "FEE_OVERFLOW");
  }

  @Test
  void a_seat_count_is_bounded_and_never_negative() {
    assertInvalidArgument(() -> SeatCount.of(-1), "seat_count", "SEAT_COUNT_NEGATIVE");
    assertInvalidArgument(() -> SeatCount.of(SeatCount.SEAT_COUNT_MAX + 1), "seat_count", "SEAT_COUNT_TOO_LARGE");
    assertThat(SeatFeeFormula.defaults().feeCents(SeatCount.of(SeatCount.SEAT_COUNT_MAX))).isEqualTo(200_000_300);
  }

  @Test
  void a_charge_period_is_the_utc_calendar_month() {
    ChargePeriod period = ChargePeriod.containing(java.time.Instant.parse("2026-11-30T23:59:59Z"));
    assertThat(period).hasToString("2026-11");
    assertThat(period.start()).isEqualTo(java.time.Instant.parse("2026-11-01T00:00:00Z"));
    assertThat(period.next().start()).isEqualTo(java.time.Instant.parse("2026-12-01T00:00:00Z"));
    assertThat(ChargePeriod.containing(java.time.Instant.parse("2026-12-01T00:00:00Z"))).isEqualTo(period.next());
  }
}
