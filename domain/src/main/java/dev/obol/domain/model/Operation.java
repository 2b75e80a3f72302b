package dev.obol.domain.model;

import dev.obol.domain.usecase.AutoRechargeView;
import dev.obol.domain.usecase.CaptureReceipt;
import dev.obol.domain.usecase.ChargeOutcome;
import dev.obol.domain.usecase.DebitOutcome;
import dev.obol.domain.usecase.GrantReceipt;
import dev.obol.domain.usecase.ReleaseReceipt;
import dev.obol.domain.usecase.ReserveOutcome;
import dev.obol.domain.usecase.ReversalReceipt;
import dev.obol.domain.usecase.SeatCountReceipt;
import dev.obol.domain.usecase.StatusReceipt;

/** The idempotent writes, each with the type of its stored first answer. */
public enum Operation {
  CHECK_AND_DEBIT(DebitOutcome.Debited.class),
  GRANT(GrantReceipt.class),
  REVERSE_DEBIT(ReversalReceipt.class),
  // ---- holds
  RESERVE(ReserveOutcome.Reserved.class),
  CAPTURE_RESERVATION(CaptureReceipt.class),
  RELEASE_RESERVATION(ReleaseReceipt.class),
  // ---- seat fees and standing
  SET_SEAT_COUNT(SeatCountReceipt.class),
  SUSPEND_ACCOUNT(StatusReceipt.class),
  REINSTATE_ACCOUNT(StatusReceipt.class),
  SET_AUTO_RECHARGE(AutoRechargeView.class),
  /** One account's part of a monthly charge run. */
  MONTHLY_CHARGE(ChargeOutcome.class);

  private final Class<?> resultType;

  Operation(Class<?> resultType) {
    this.resultType = resultType;
  }

  public Class<?> resultType() {
    return resultType;
  }
}
