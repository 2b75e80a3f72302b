package dev.obol.domain.model;

/**
 * An account's per-seat state besides its status.
 *
 * @param lowBalanceAlerted the EUR balance no longer covers what is owed plus the next monthly fee; cleared by a
 *     credit (or a seat change) that covers it
 * @param lowBalanceNotifiedIn the period of the last {@code balance.low} notification: at most one per period
 * @param statusReason why an operator last suspended or reinstated the account; null if never
 */
public record SeatPlan(
    SeatCount seatCount, boolean lowBalanceAlerted, ChargePeriod lowBalanceNotifiedIn, String statusReason) {

  public static final SeatPlan NONE = new SeatPlan(SeatCount.ZERO, false, null, null);

  public SeatPlan {
    Validate.required("seat_count", seatCount);
  }

  public SeatPlan withSeatCount(SeatCount seats) {
    return new SeatPlan(seats, lowBalanceAlerted, lowBalanceNotifiedIn, statusReason);
  }

  public SeatPlan withLowBalanceAlert(boolean alerted, ChargePeriod notifiedIn) {
    return new SeatPlan(seatCount, alerted, notifiedIn, statusReason);
  }

  public SeatPlan withStatusReason(String reason) {
    return new SeatPlan(seatCount, lowBalanceAlerted, lowBalanceNotifiedIn, reason);
  }
}
