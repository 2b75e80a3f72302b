package dev.obol.domain.payment;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.Validate;
import java.time.Instant;

/**
 * One recharge: written as {@link Status#REQUESTED} in the transaction of the write that crossed the threshold (the
 * outbox row), handed to Stripe after that commit, and settled by Stripe's answer or events. Its (account, sequence)
 * is the Stripe idempotency key, so however often it is handed over, Stripe creates one PaymentIntent.
 *
 * @param paymentIntentId null until Stripe answered
 * @param error the provider's reason of a failure, or of the last unsuccessful try to reach it
 */
public record RechargeAttempt(
    AccountId accountId,
    long sequence,
    Asset asset,
    String pack,
    long grantAmount,
    long priceCents,
    String currency,
    Status status,
    String paymentIntentId,
    String error,
    int tries,
    Instant createdAt,
    Instant updatedAt) {

  public enum Status {
    /** In the outbox: Stripe has not confirmed a PaymentIntent yet. */
    REQUESTED,
    /** Stripe has the PaymentIntent; its success or failure event settles it. */
    PENDING,
    SUCCEEDED,
    FAILED;

    public boolean settled() {
      return this == SUCCEEDED || this == FAILED;
    }
  }

  public RechargeAttempt {
    Validate.required("account_id", accountId);
    Validate.positive("sequence", sequence);
    Validate.required("asset", asset);
    Validate.required("status", status);
  }

  static RechargeAttempt requested(
      AccountId accountId, long sequence, Asset asset, String pack, long grantAmount, long priceCents,
      String currency, Instant now) {
    return new RechargeAttempt(
        accountId, sequence, asset, pack, grantAmount, priceCents, currency, Status.REQUESTED, null, null, 0, now,
        now);
  }

  /**
   * Stripe's idempotency key: the account and the sequence number. Request ids are scoped by account, Stripe's keys
   * are global; the prefix keeps these apart from checkout keys ({@code account:request_id}).
   */
  public String idempotencyKey() {
    return "auto_recharge:" + accountId.value() + ":" + sequence;
  }

  public RechargeAttempt pending(String paymentIntentId, Instant now) {
    return with(status == Status.REQUESTED ? Status.PENDING : status, paymentIntentId, error, now);
  }

  public RechargeAttempt succeeded(String paymentIntentId, Instant now) {
    return with(Status.SUCCEEDED, paymentIntentId, null, now);
  }

  public RechargeAttempt failed(String paymentIntentId, String why, Instant now) {
    return with(Status.FAILED, paymentIntentId, why, now);
  }

  private RechargeAttempt with(Status status, String paymentIntentId, String error, Instant now) {
    return new RechargeAttempt(
        accountId, sequence, asset, pack, grantAmount, priceCents, currency, status,
        paymentIntentId != null ? paymentIntentId : this.paymentIntentId, error, tries, createdAt, now);
  }
}
