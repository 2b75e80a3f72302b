package dev.obol.domain.payment;

import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.Validate;

/**
 * Starts a Stripe Checkout for one account.
 *
 * @param customerEmail optional: prefills the checkout page
 * @param requestId also Stripe's idempotency key, so a retried call returns the same session
 */
public record CheckoutCommand(
    AccountId accountId,
    Purchase purchase,
    String successUrl,
    String cancelUrl,
    String customerEmail,
    RequestId requestId) {

  public static final int URL_LENGTH_MAX = 2048;

  public CheckoutCommand {
    Validate.required("account_id", accountId);
    Validate.required("purchase", purchase);
    successUrl = url("success_url", successUrl);
    cancelUrl = url("cancel_url", cancelUrl);
    customerEmail = Validate.text("customer_email", customerEmail);
    if (customerEmail != null && (customerEmail.indexOf('@') <= 0 || Validate.containsWhitespace(customerEmail))) {
      throw new InvalidArgumentException("customer_email", "INVALID_EMAIL", "customer_email is not an e-mail address");
    }
    Validate.required("request_id", requestId);
  }

  private static String url(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidArgumentException(field, "MISSING_FIELD", field + " is required");
    }
    if (value.length() > URL_LENGTH_MAX) {
      throw new InvalidArgumentException(field, "FIELD_TOO_LONG", field + " is longer than " + URL_LENGTH_MAX);
    }
    Validate.safeText(field, value);
    if (!(value.startsWith("https://") || value.startsWith("http://")) || Validate.containsWhitespace(value)) {
      throw new InvalidArgumentException(field, "INVALID_URL", field + " must be an absolute http(s) URL");
    }
    return value;
  }
}
