package dev.obol.domain.payment;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Splits a paid billing period into monthly quota periods: month k runs from the k-th monthly anniversary of the
 * period start to the next one (or the paid end, whichever is first). Anniversaries are counted from the start, not
 * chained, so a period starting on 31 January has its months on 28/29 February, 31 March, 30 April, ... (calendar
 * months in UTC, as Stripe bills them).
 */
public final class QuotaSchedule {

  /** A yearly plan has 12 months; the bound only guards against absurd periods. */
  static final int MONTHS_MAX = 1200;

  private QuotaSchedule() {}

  public record Window(int month, Instant start, Instant end) {}

  /**
   * The monthly window of {@code [paidFrom, paidUntil)} that {@code now} falls in; the first one when {@code now} is
   * before the start (an invoice paid a little ahead). Empty once the paid period is over.
   */
  public static Optional<Window> windowAt(Instant paidFrom, Instant paidUntil, Instant now) {
    if (!paidUntil.isAfter(paidFrom) || !now.isBefore(paidUntil)) {
      return Optional.empty();
    }
    for (int k = 0; k < MONTHS_MAX; k++) {
      Instant start = anniversary(paidFrom, k);
      Instant next = anniversary(paidFrom, k + 1);
      Instant end = next.isBefore(paidUntil) ? next : paidUntil;
      if (now.isBefore(end)) {
        return Optional.of(new Window(k, start, end));
      }
      if (!end.isBefore(paidUntil)) {
        break;
      }
    }
    return Optional.empty();
  }

  /** The start of the window after {@code window}, or empty when the paid period ends with it. */
  public static Optional<Instant> nextStart(Window window, Instant paidUntil) {
    return window.end().isBefore(paidUntil) ? Optional.of(window.end()) : Optional.empty();
  }

  static Instant anniversary(Instant from, int months) {
    return from.atOffset(ZoneOffset.UTC).plusMonths(months).toInstant();
  }
}
