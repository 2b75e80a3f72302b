package dev.obol.domain.usecase;

import dev.obol.domain.payment.CheckoutCommand;
import dev.obol.domain.payment.CheckoutSession;

/** Buying credit through the payment provider: the catalog of packs and plans, and checkout sessions. */
public interface PaymentUseCases {

  CatalogView catalog();

  /**
   * Creates a provider checkout for a pack, a plan or a top-up. Fails with FAILED_PRECONDITION
   * {@code PAYMENTS_NOT_CONFIGURED} when no provider is configured.
   */
  CheckoutSession createCheckoutSession(CheckoutCommand command);
}
