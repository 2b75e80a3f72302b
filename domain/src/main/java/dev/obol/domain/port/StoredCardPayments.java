package dev.obol.domain.port;

import dev.obol.domain.payment.OffSessionCharge;
import dev.obol.domain.payment.OffSessionResult;

/** The provider's customers and off-session charges (Stripe): what auto-recharge needs beyond checkout. */
public interface StoredCardPayments {

  /**
   * Creates the provider's customer of an account; the same idempotency key returns the same customer.
   *
   * @param email null: none
   * @throws dev.obol.domain.error.UnavailableException when the provider cannot be reached or fails
   */
  String createCustomer(String accountId, String email, String idempotencyKey);

  /**
   * Creates and confirms an off-session PaymentIntent; the same idempotency key never charges twice.
   *
   * @throws dev.obol.domain.error.UnavailableException when the provider cannot be reached or fails (try again,
   *     with the same key)
   */
  OffSessionResult chargeOffSession(OffSessionCharge charge);
}
