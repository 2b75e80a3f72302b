package dev.obol.domain.port;

import dev.obol.domain.payment.AutoRecharge;
import dev.obol.domain.payment.RechargeAttempt;
import java.util.Optional;

/** The locked account's auto-recharge and its recharge attempts (the recharge outbox). */
public interface AutoRecharges {

  /** Read with the account's lock (no extra round trip on a debit); empty when it was never configured. */
  Optional<AutoRecharge> autoRecharge();

  /** Inserts or replaces the account's auto-recharge. */
  void saveAutoRecharge(AutoRecharge autoRecharge);

  /** @throws RuntimeException when the account has an attempt with this sequence already */
  void insertRechargeAttempt(RechargeAttempt attempt);

  Optional<RechargeAttempt> findRechargeAttempt(long sequence);

  /** Stores the attempt's status, payment intent and error. */
  void updateRechargeAttempt(RechargeAttempt attempt);
}
