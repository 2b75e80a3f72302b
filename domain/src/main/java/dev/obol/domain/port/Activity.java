package dev.obol.domain.port;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.DenialReason;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.payment.EventOutcome;
import dev.obol.domain.usecase.ChargeOutcome;

/**
 * What the domain did, told once per first (non-replayed) outcome and only after its transaction committed: a replay
 * of a request id or a duplicate provider event is not told again, and a write that rolled back is never told. The
 * app counts it (metrics) and logs it; the domain only reports facts. Every method defaults to doing nothing, so an
 * implementation (or a test fake) overrides only what it needs. An implementation must not throw.
 */
public interface Activity {

  /** Tells nothing: the default of services built without one (domain tests). */
  Activity NONE = new Activity() {};

  /** A CheckAndDebit that took its cost. */
  default void debited(
      AccountId accountId, Asset asset, String feature, long cost, long balanceAfter, String requestId,
      String debitId) {}

  /** A CheckAndDebit that was denied (not stored, so a retry is decided, and told, afresh). */
  default void debitDenied(
      AccountId accountId, Asset asset, String feature, long cost, DenialReason reason, String requestId) {}

  /** A credit, whatever its origin (the Grant RPC, a purchase, a top-up, a quota period). */
  default void granted(
      AccountId accountId, Asset asset, GrantSource source, long amount, String reason, String grantId,
      String requestId) {}

  /** A ReverseDebit that gave back {@code amount} of a debit. */
  default void reversed(AccountId accountId, Asset asset, long amount, String debitId, String requestId) {}

  /** One account's part of a monthly charge run. */
  default void monthlyCharge(AccountId accountId, ChargeOutcome.Kind outcome) {}

  /** One account's part of a monthly charge run that failed unexpectedly and rolled back. */
  default void monthlyChargeErrored(AccountId accountId) {}

  /** A provider event delivered for the first time, with the outcome stored for it. */
  default void webhookEvent(String type, EventOutcome.Code outcome) {}

  /** A write left a wallet below its auto-recharge threshold and recharge {@code sequence} is in the outbox. */
  default void autoRechargeRequested(AccountId accountId, long sequence) {}
}
