package dev.obol.domain.usecase;

import dev.obol.domain.model.AccountId;

/** SetAutoRecharge and GetAutoRecharge. */
public interface AutoRechargeUseCases {

  /**
   * Sets the account's auto-recharge. Turning it on needs a payment method saved by a checkout; a wallet already
   * below the new threshold is recharged at once (in this transaction).
   */
  AutoRechargeView set(SetAutoRechargeCommand command);

  AutoRechargeView get(AccountId accountId);
}
