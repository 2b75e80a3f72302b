package dev.obol.domain.payment;

import java.util.Map;

/**
 * What Obol asks the payment provider for: one line item, the metadata the webhook later reads back, and the request
 * id as the provider's idempotency key.
 */
public record CheckoutRequest(
    Mode mode,
    LineItem lineItem,
    Map<String, String> metadata,
    String clientReferenceId,
    String successUrl,
    String cancelUrl,
    String customerEmail,
    String idempotencyKey) {

  public CheckoutRequest {
    metadata = Map.copyOf(metadata);
  }

  public enum Mode {
    /** One-time payment: packs and top-ups. */
    PAYMENT,
    /** Recurring: plans. */
    SUBSCRIPTION
  }

  /**
   * @param priceId the provider's price id; null: the price is sent inline from the other fields
   * @param unitAmountCents cents
   * @param recurring null for one-time payments
   */
  public record LineItem(String name, String priceId, long unitAmountCents, String currency, BillingInterval recurring) {}
}
