package dev.obol.domain.payment;

/** What the provider answered to an {@link OffSessionCharge}. An unreachable provider throws instead. */
public sealed interface OffSessionResult {

  String paymentIntentId();

  /** The PaymentIntent exists and is processing or paid; its event settles it (and grants). */
  record Accepted(String paymentIntentId, String status) implements OffSessionResult {}

  /**
   * Refused (a declined card, authentication required, a payment method that is gone): nothing was charged.
   *
   * @param paymentIntentId null when the provider refused before creating one
   */
  record Declined(String paymentIntentId, String reason) implements OffSessionResult {}
}
