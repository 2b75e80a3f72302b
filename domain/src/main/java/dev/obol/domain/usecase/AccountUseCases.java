package dev.obol.domain.usecase;

import dev.obol.domain.model.AccountId;

/** Per-seat plans and account standing: seat counts, monthly charges, suspension. */
public interface AccountUseCases {

  /** Records the seat count (creating the account on first use) and answers the new monthly fee. */
  SeatCountReceipt setSeatCount(SetSeatCountCommand command);

  Standing standing(AccountId accountId);

  /** Operator: deny paid features until reinstated. A top-up never lifts it. */
  StatusReceipt suspend(StatusChangeCommand command);

  /** Operator: lift a suspension; the account is INSUFFICIENT_FUNDS afterwards if a charge is still owed. */
  StatusReceipt reinstate(StatusChangeCommand command);

  /** Charges every account with seats for the period containing {@code asOf}, at most once per account and period. */
  ChargeRunSummary runMonthlyCharges(MonthlyChargeCommand command);
}
