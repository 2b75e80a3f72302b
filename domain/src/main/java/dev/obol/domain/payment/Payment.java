package dev.obol.domain.payment;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import java.time.Instant;

/**
 * One paid provider object (a checkout session or a subscription invoice) and what it granted: at most one per
 * provider id and account, which is what makes a grant happen once whatever the events' order and number.
 *
 * @param grantId null when the payment granted nothing (e.g. an invoice for a period already over)
 * @param grantedAmount what the grant credited, in the unit of {@code asset} (tokens, or EUR cents for a top-up)
 * @param reversal what refunds and disputes have done to it so far: the only part of a payment that ever changes
 */
public record Payment(
    AccountId accountId,
    String providerId,
    PaymentKind kind,
    String paymentIntentId,
    String grantId,
    Asset asset,
    long grantedAmount,
    long paidCents,
    String currency,
    Reversal reversal,
    Instant createdAt) {

  public Payment {
    if (reversal == null) {
      throw new IllegalArgumentException("a payment's reversal totals are required (Reversal.NONE when none)");
    }
  }

  /**
   * A payment as first recorded, nothing reversed yet.
   *
   * @param grantId null when it granted nothing
   * @param grantedAmount in the unit of the kind's asset
   */
  public static Payment newGrant(
      AccountId accountId,
      String providerId,
      PaymentKind kind,
      String paymentIntentId,
      String grantId,
      long grantedAmount,
      long paidCents,
      String currency,
      Instant createdAt) {
    return new Payment(
        accountId,
        providerId,
        kind,
        paymentIntentId,
        grantId,
        kind.asset(),
        grantedAmount,
        paidCents,
        currency,
        Reversal.NONE,
        createdAt);
  }

  /**
   * The running totals of a payment's refunds and disputes.
   *
   * @param reversedCents money refunded or disputed so far (as far as processed)
   * @param clawedBack taken back from the grant so far, in the payment's asset unit
   * @param shortfall what should have been taken back but had already been spent, in the payment's asset unit
   */
  public record Reversal(long reversedCents, long clawedBack, long shortfall) {

    public static final Reversal NONE = new Reversal(0, 0, 0);

    /** What the reversals so far have claimed from the grant, taken or not. */
    public long targeted() {
      return Math.addExact(clawedBack, shortfall);
    }
  }

  /** True when there is no grant to take back from or give back to: no grant, or no money paid. */
  public boolean grantedNothing() {
    return grantId == null || paidCents <= 0;
  }

  /** What was granted for what was paid; only for a payment that granted something. */
  public Clawback.Sale sale() {
    return new Clawback.Sale(grantedAmount, paidCents);
  }

  public Payment withReversal(Reversal newReversal) {
    return new Payment(
        accountId,
        providerId,
        kind,
        paymentIntentId,
        grantId,
        asset,
        grantedAmount,
        paidCents,
        currency,
        newReversal,
        createdAt);
  }
}
