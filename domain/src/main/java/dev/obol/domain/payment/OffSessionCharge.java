package dev.obol.domain.payment;

import java.util.Map;

/**
 * A charge of a saved payment method without the customer present (an auto-recharge).
 *
 * @param amountCents in {@code currency}'s minor unit
 * @param metadata read back by the webhook from the PaymentIntent's events
 * @param idempotencyKey the same key never charges twice
 */
public record OffSessionCharge(
    String customerId,
    String paymentMethodId,
    long amountCents,
    String currency,
    String description,
    Map<String, String> metadata,
    String idempotencyKey) {

  public OffSessionCharge {
    metadata = Map.copyOf(metadata);
  }
}
