package dev.obol.domain.port;

import dev.obol.domain.payment.CheckoutRequest;
import dev.obol.domain.payment.CheckoutSession;

/** The payment provider (Stripe): creates hosted checkout pages. */
public interface PaymentGateway {

  /**
   * Calls the provider; the same idempotency key returns the same session.
   *
   * @throws dev.obol.domain.error.UnavailableException when the provider cannot be reached or refuses the request
   */
  CheckoutSession createCheckoutSession(CheckoutRequest request);
}
