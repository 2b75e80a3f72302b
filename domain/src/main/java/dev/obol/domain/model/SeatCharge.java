package dev.obol.domain.model;

import java.time.Instant;

/**
 * One monthly seat fee of one account: at most one per account and period (the store's primary key guarantees it).
 *
 * @param outcome what happened when it was charged; never changes (a later collection sets {@code paidAt})
 * @param paidAt when the fee was debited; null while owed
 */
public record SeatCharge(
    AccountId accountId,
    ChargePeriod period,
    String chargeId,
    SeatCount seatCount,
    long feeCents,
    Outcome outcome,
    Instant chargedAt,
    Instant paidAt) {

  public enum Outcome {
    /** Debited when charged. */
    PAID,
    /** The balance could not pay it; owed until collected. */
    OWED
  }

  public boolean isOwed() {
    return paidAt == null;
  }

  public SeatCharge paid(Instant at) {
    return new SeatCharge(accountId, period, chargeId, seatCount, feeCents, outcome, chargedAt, at);
  }
}
