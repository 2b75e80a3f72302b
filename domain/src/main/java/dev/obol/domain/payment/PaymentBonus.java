package dev.obol.domain.payment;

import dev.obol.domain.model.AccountId;

/**
 * The bonus grant a payment brought, and what refunds and disputes have taken back of it (the same
 * {@link Payment.Reversal} totals as the payment's own grant, measured against the same money paid).
 */
public record PaymentBonus(
    AccountId accountId, String providerId, String grantId, String rule, long amount, Payment.Reversal reversal) {

  public PaymentBonus withReversal(Payment.Reversal newReversal) {
    return new PaymentBonus(accountId, providerId, grantId, rule, amount, newReversal);
  }

  public Clawback.Sale sale(long paidCents) {
    return new Clawback.Sale(amount, paidCents);
  }
}
