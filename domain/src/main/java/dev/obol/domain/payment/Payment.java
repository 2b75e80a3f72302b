package dev.obol.domain.payment;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import java.time.Instant;

/**
 * One paid provider object (a checkout session or a subscription invoice) and what it granted: at most one per
 * provider id and account, which is what makes a grant happen once whatever the events' order and number.
 *
 * @param grantId null when the payment granted nothing (e.g. an invoice for a period already over)
 * @param grantedAmount what the grant credited, in the asset's unit
 * @param paidAmount cents
 * @param reversedAmount cents refunded or disputed so far (as far as processed)
 * @param clawedBack taken back from the grant so far, in the asset's unit
 * @param shortfall what should have been taken back but had already been spent
 */
public record Payment(
    AccountId accountId,
    String providerId,
    PaymentKind kind,
    String paymentIntentId,
    String grantId,
    Asset asset,
    long grantedAmount,
    long paidAmount,
    String currency,
    long reversedAmount,
    long clawedBack,
    long shortfall,
    Instant createdAt) {

  public Payment withReversal(long newReversedAmount, long newClawedBack, long newShortfall) {
    return new Payment(
        accountId,
        providerId,
        kind,
        paymentIntentId,
        grantId,
        asset,
        grantedAmount,
        paidAmount,
        currency,
        newReversedAmount,
        newClawedBack,
        newShortfall,
        createdAt);
  }
}
