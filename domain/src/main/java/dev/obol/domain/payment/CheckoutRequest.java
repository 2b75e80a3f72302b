package dev.obol.domain.payment;

import java.util.Map;

/**
 * What Obol asks the payment provider for: one line item, the metadata the webhook later reads back, and the request
 * id as the provider's idempotency key.
 *
 * @param customerId the account's provider customer; null: none (the card is then not saved for later)
 */
public record CheckoutRequest(
    Mode mode,
    LineItem lineItem,
    Map<String, String> metadata,
    String clientReferenceId,
    String successUrl,
    String cancelUrl,
    String customerEmail,
    String idempotencyKey,
    String customerId) {

  public CheckoutRequest {
    metadata = Map.copyOf(metadata);
  }

  /** Without a provider customer: Stripe creates none, and the card is not saved. */
  public CheckoutRequest(
      Mode mode,
      LineItem lineItem,
      Map<String, String> metadata,
      String clientReferenceId,
      String successUrl,
      String cancelUrl,
      String customerEmail,
      String idempotencyKey) {
    this(mode, lineItem, metadata, clientReferenceId, successUrl, cancelUrl, customerEmail, idempotencyKey, null);
  }

  /**
   * The account's provider customer (null: none). With one, the checkout saves the card for later off-session
   * charges ({@code setup_future_usage=off_session}), which auto-recharge needs.
   */
  public CheckoutRequest withCustomer(String customerId) {
    return new CheckoutRequest(
        mode, lineItem, metadata, clientReferenceId, successUrl, cancelUrl, customerEmail, idempotencyKey, customerId);
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
