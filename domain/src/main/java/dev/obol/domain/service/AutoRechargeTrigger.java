package dev.obol.domain.service;

import static dev.obol.domain.model.Notification.data;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.Notification;
import dev.obol.domain.model.NotificationType;
import dev.obol.domain.model.Wallet;
import dev.obol.domain.payment.AutoRecharge;
import dev.obol.domain.payment.RechargeAttempt;
import dev.obol.domain.port.AccountSession;
import dev.obol.domain.port.IdGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The auto-recharge rules that run inside an account's transaction, under its lock: the threshold check after every
 * write that takes from a wallet (it requests the recharge by writing its attempt, the outbox row, in that very
 * transaction) and the settling of a recharge (paid or failed). Because the decision and the attempt commit with the
 * write, fifty concurrent debits that cross the threshold request one recharge: the first one's transaction makes it
 * pending, and the others, serialized behind the lock, see it pending.
 *
 * <p>It costs a debit nothing when the account has no auto-recharge: the store reads it with the account's lock.
 */
public final class AutoRechargeTrigger implements WalletService.AfterDebit {

  private final IdGenerator ids;
  private final Duration backoff;

  /** @param backoff the wait after a first failure; each further failure in a row waits four times longer */
  public AutoRechargeTrigger(IdGenerator ids, Duration backoff) {
    if (backoff.isNegative() || backoff.isZero()) {
      throw new IllegalArgumentException("the auto-recharge back-off must be positive, not " + backoff);
    }
    this.ids = ids;
    this.backoff = backoff;
  }

  @Override
  public void afterDebit(AccountSession session, Wallet wallet, Instant now) {
    requestIfDue(session, wallet.asset(), wallet.balance(), now);
  }

  /**
   * Requests a recharge when the wallet's balance is below the threshold and nothing stands in the way (one pending,
   * a back-off, the monthly limit).
   *
   * @return the recharge requested, if one was
   */
  public Optional<RechargeAttempt> requestIfDue(AccountSession session, Asset asset, long balance, Instant now) {
    Optional<AutoRecharge> configured = session.autoRecharge();
    if (configured.isEmpty() || configured.get().whyNotDue(asset, balance, now) != null) {
      return Optional.empty();
    }
    AutoRecharge requested = configured.get().requested(now);
    RechargeAttempt attempt = requested.attempt(now);
    session.saveAutoRecharge(requested);
    session.insertRechargeAttempt(attempt);
    AccountId accountId = requested.accountId();
    long sequence = attempt.sequence();
    AfterCommit.record(a -> a.autoRechargeRequested(accountId, sequence));
    return Optional.of(attempt);
  }

  /**
   * Recharge {@code attempt} failed (the provider's answer, or its failure event): settled once, whichever of the two
   * arrives first; the second finds it settled. Notifies {@code auto_recharge.failed}, and {@code auto_recharge.disabled}
   * when this was the third failure in a row.
   *
   * @return whether this settled it (false: it was settled already)
   */
  public boolean failed(
      AccountSession session, RechargeAttempt attempt, String paymentIntentId, String why, Instant now) {
    if (attempt.status().settled()) {
      return false;
    }
    RechargeAttempt failed = attempt.failed(paymentIntentId, why, now);
    session.updateRechargeAttempt(failed);
    Optional<AutoRecharge> before = session.autoRecharge();
    if (before.isEmpty()) {
      return true;
    }
    AutoRecharge after = before.get().failed(attempt.sequence(), backoff, now, attempt.createdAt());
    session.saveAutoRecharge(after);
    publish(
        session,
        NotificationType.AUTO_RECHARGE_FAILED,
        now,
        data(
            "sequence", attempt.sequence(),
            "payment_intent_id", failed.paymentIntentId(),
            "asset", attempt.asset().name(),
            "amount", attempt.grantAmount(),
            "price", attempt.priceCents(),
            "currency", attempt.currency(),
            "reason", why,
            "failures_in_row", (long) after.failuresInRow(),
            "retry_after", after.enabled() && after.retryAfter() != null ? after.retryAfter().toString() : null));
    if (before.get().enabled() && !after.enabled()) {
      publish(
          session,
          NotificationType.AUTO_RECHARGE_DISABLED,
          now,
          data("reason", after.disabledReason(), "failures_in_row", (long) after.failuresInRow()));
    }
    return true;
  }

  /** Recharge {@code attempt} was paid (its grant is written by the caller, once). */
  public void succeeded(AccountSession session, RechargeAttempt attempt, String paymentIntentId, Instant now) {
    if (attempt.status() == RechargeAttempt.Status.SUCCEEDED) {
      return;
    }
    session.updateRechargeAttempt(attempt.succeeded(paymentIntentId, now));
    session
        .autoRecharge()
        .ifPresent(
            r ->
                session.saveAutoRecharge(
                    r.succeeded(attempt.sequence(), attempt.status() == RechargeAttempt.Status.FAILED, now)));
  }

  private void publish(AccountSession session, NotificationType type, Instant now, java.util.Map<String, Object> data) {
    session.publish(new Notification(ids.newId("evt"), session.account().orElseThrow().id(), type, now, data));
  }
}
