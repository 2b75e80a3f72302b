package dev.obol.domain.payment;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Validate;
import java.time.Instant;

/**
 * The provider's customer of an account (one per account, created with its first checkout) and the payment method
 * saved for charges made without the customer present (off-session), as the webhook recorded it.
 *
 * @param paymentMethodId null until a checkout saved one
 */
public record PaymentCustomer(AccountId accountId, String customerId, String paymentMethodId, Instant savedAt) {

  public PaymentCustomer {
    Validate.required("account_id", accountId);
    Validate.required("customer_id", customerId);
  }

  public boolean canChargeOffSession() {
    return paymentMethodId != null;
  }
}
