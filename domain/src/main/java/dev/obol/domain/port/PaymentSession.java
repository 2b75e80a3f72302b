package dev.obol.domain.port;

import dev.obol.domain.payment.Payment;
import dev.obol.domain.payment.PaymentBonus;
import dev.obol.domain.payment.QuotaPeriod;
import dev.obol.domain.payment.Subscription;
import java.util.Optional;

/** The payment records of one locked account, in the same transaction as its wallet writes. */
public interface PaymentSession {

  /** The account's wallet side: grants and ledger (the same transaction and lock). */
  AccountSession wallet();

  Optional<Payment> findPayment(String providerId);

  Optional<Payment> findPaymentByIntent(String paymentIntentId);

  /** @throws RuntimeException when the account already has a payment with this provider id */
  void insertPayment(Payment payment);

  /** Stores the reversal totals (reversed, clawed back, shortfall); nothing else of a payment ever changes. */
  void updateReversal(Payment payment);

  /** The bonus grant a payment brought, if a bonus rule applied. */
  Optional<PaymentBonus> findBonus(String providerId);

  /** @throws RuntimeException when the payment has a bonus already, or no payment row exists for it */
  void insertBonus(PaymentBonus bonus);

  /** Stores the bonus's reversal totals; nothing else of it ever changes. */
  void updateBonusReversal(PaymentBonus bonus);

  Optional<Subscription> findSubscription(String subscriptionId);

  /** Inserts or replaces the account's subscription row. */
  void saveSubscription(Subscription subscription);

  /** The subscription's period with the latest start, if any. */
  Optional<QuotaPeriod> latestPeriod(String subscriptionId);

  /** @throws RuntimeException when the period (account, subscription, start) exists already */
  void insertPeriod(QuotaPeriod period);

  /**
   * Records the payment method saved for off-session charges, with the provider customer it is attached to (the one
   * an off-session charge must name), replacing an earlier one.
   */
  void savePaymentMethod(String customerId, String paymentMethodId, java.time.Instant at);

  /** What EXPIRY entries have taken from this grant so far (a positive amount). */
  long expiredFrom(String grantId);
}
