package dev.obol.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.CardException;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import com.stripe.model.PaymentIntent;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.checkout.SessionCreateParams;
import com.stripe.param.checkout.SessionCreateParams.LineItem.PriceData;
import dev.obol.domain.error.FailedPreconditionException;
import dev.obol.domain.error.UnavailableException;
import dev.obol.domain.payment.BillingInterval;
import dev.obol.domain.payment.CheckoutRequest;
import dev.obol.domain.payment.CheckoutRequest.LineItem;
import dev.obol.domain.payment.CheckoutSession;
import dev.obol.domain.payment.OffSessionCharge;
import dev.obol.domain.payment.OffSessionResult;
import dev.obol.domain.port.PaymentGateway;
import dev.obol.domain.port.StoredCardPayments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates Stripe Checkout Sessions through stripe-java (pinned to the API version the webhook fixtures use). */
public final class StripePaymentGateway implements PaymentGateway, StoredCardPayments {

  public static final String DEFAULT_API_BASE = "https://api.stripe.com";
  private static final Logger LOG = LoggerFactory.getLogger(StripePaymentGateway.class);

  private final StripeClient client;

  /** @param apiBase Stripe's API, or a stub server in tests */
  public StripePaymentGateway(String secretKey, String apiBase) {
    this.client =
        StripeClient.builder()
            .setApiKey(secretKey)
            .setApiBase(apiBase == null || apiBase.isBlank() ? DEFAULT_API_BASE : apiBase)
            .build();
  }

  @Override
  public CheckoutSession createCheckoutSession(CheckoutRequest request) {
    SessionCreateParams params = params(request);
    // The same key returns the same session: a retried CreateCheckoutSession never opens a second checkout.
    RequestOptions options = RequestOptions.builder().setIdempotencyKey(request.idempotencyKey()).build();
    try {
      Session session = client.v1().checkout().sessions().create(params, options);
      return new CheckoutSession(session.getId(), session.getUrl());
    } catch (IdempotencyException e) {
      throw FailedPreconditionException.requestIdConflict(request.idempotencyKey());
    } catch (InvalidRequestException e) {
      // Our request was refused (e.g. a configured price id Stripe does not know): retrying will not help.
      LOG.error("Stripe refused a checkout session (request id {}): {}", e.getRequestId(), e.getMessage());
      throw new FailedPreconditionException(
          "PAYMENT_PROVIDER_REJECTED", "the payment provider refused the checkout: "
              + (e.getStripeError() != null ? e.getStripeError().getMessage() : "invalid request"));
    } catch (ApiConnectionException e) {
      LOG.warn("Stripe unreachable: {}", e.getMessage());
      throw new UnavailableException("PAYMENT_PROVIDER_UNAVAILABLE", "the payment provider could not be reached");
    } catch (StripeException e) {
      LOG.error("Stripe failed a checkout session (status {}, request id {})", e.getStatusCode(), e.getRequestId(), e);
      throw new UnavailableException("PAYMENT_PROVIDER_UNAVAILABLE", "the payment provider failed; try again");
    }
  }

  @Override
  public String createCustomer(String accountId, String email, String idempotencyKey) {
    CustomerCreateParams.Builder params = CustomerCreateParams.builder().putMetadata("account_id", accountId);
    if (email != null) {
      params.setEmail(email);
    }
    RequestOptions options = RequestOptions.builder().setIdempotencyKey(idempotencyKey).build();
    try {
      return client.v1().customers().create(params.build(), options).getId();
    } catch (StripeException e) {
      throw unavailable("a customer", e);
    }
  }

  @Override
  public OffSessionResult chargeOffSession(OffSessionCharge charge) {
    PaymentIntentCreateParams params =
        PaymentIntentCreateParams.builder()
            .setAmount(charge.amountCents())
            .setCurrency(charge.currency())
            .setCustomer(charge.customerId())
            .setPaymentMethod(charge.paymentMethodId())
            .setOffSession(true)
            .setConfirm(true)
            .setDescription(charge.description())
            .putAllMetadata(charge.metadata())
            .build();
    RequestOptions options = RequestOptions.builder().setIdempotencyKey(charge.idempotencyKey()).build();
    try {
      PaymentIntent intent = client.v1().paymentIntents().create(params, options);
      if ("requires_action".equals(intent.getStatus()) || "requires_payment_method".equals(intent.getStatus())) {
        // Off-session nobody can authenticate or pick another card: nothing will be charged.
        return new OffSessionResult.Declined(intent.getId(), "payment " + intent.getStatus().replace('_', ' '));
      }
      return new OffSessionResult.Accepted(intent.getId(), intent.getStatus());
    } catch (CardException e) {
      // A decline (or authentication required): Stripe made the PaymentIntent and failed it.
      String intentId =
          e.getStripeError() != null && e.getStripeError().getPaymentIntent() != null
              ? e.getStripeError().getPaymentIntent().getId()
              : null;
      String reason = e.getCode() + (e.getDeclineCode() != null ? " (" + e.getDeclineCode() + ")" : "");
      LOG.info("Stripe declined off-session charge {}: {}", charge.idempotencyKey(), reason);
      return new OffSessionResult.Declined(intentId, reason);
    } catch (InvalidRequestException e) {
      // E.g. a payment method detached since: retrying the same request cannot succeed.
      LOG.warn("Stripe refused off-session charge {}: {}", charge.idempotencyKey(), e.getMessage());
      return new OffSessionResult.Declined(
          null, e.getStripeError() != null ? e.getStripeError().getMessage() : "invalid request");
    } catch (StripeException e) {
      throw unavailable("an off-session charge", e);
    }
  }

  private static UnavailableException unavailable(String what, StripeException e) {
    if (e instanceof ApiConnectionException) {
      LOG.warn("Stripe unreachable creating {}: {}", what, e.getMessage());
    } else {
      LOG.error("Stripe failed creating {} (status {}, request id {}): {}", what, e.getStatusCode(),
          e.getRequestId(), e.getMessage());
    }
    return new UnavailableException("PAYMENT_PROVIDER_UNAVAILABLE", "the payment provider failed; try again");
  }

  static SessionCreateParams params(CheckoutRequest request) {
    boolean subscription = request.mode() == CheckoutRequest.Mode.SUBSCRIPTION;
    SessionCreateParams.Builder builder =
        SessionCreateParams.builder()
            .setMode(subscription ? SessionCreateParams.Mode.SUBSCRIPTION : SessionCreateParams.Mode.PAYMENT)
            .setClientReferenceId(request.clientReferenceId())
            .setSuccessUrl(request.successUrl())
            .setCancelUrl(request.cancelUrl())
            .putAllMetadata(request.metadata())
            .addLineItem(lineItem(request.lineItem()));
    // Stripe takes a customer or an e-mail, not both: the customer was created with the e-mail.
    if (request.customerId() != null) {
      builder.setCustomer(request.customerId());
    } else if (request.customerEmail() != null) {
      builder.setCustomerEmail(request.customerEmail());
    }
    // The webhook reads the metadata back from the subscription's invoices and from refunded charges.
    if (subscription) {
      builder.setSubscriptionData(
          SessionCreateParams.SubscriptionData.builder().putAllMetadata(request.metadata()).build());
    } else {
      SessionCreateParams.PaymentIntentData.Builder intent =
          SessionCreateParams.PaymentIntentData.builder().putAllMetadata(request.metadata());
      if (request.customerId() != null) {
        // Saves the card on the account's customer for later off-session charges (auto-recharge).
        intent.setSetupFutureUsage(SessionCreateParams.PaymentIntentData.SetupFutureUsage.OFF_SESSION);
      }
      builder.setPaymentIntentData(intent.build());
    }
    return builder.build();
  }

  private static SessionCreateParams.LineItem lineItem(LineItem item) {
    SessionCreateParams.LineItem.Builder builder = SessionCreateParams.LineItem.builder().setQuantity(1L);
    if (item.priceId() != null) {
      return builder.setPrice(item.priceId()).build();
    }
    PriceData.Builder price =
        PriceData.builder()
            .setCurrency(item.currency())
            .setUnitAmount(item.unitAmountCents())
            .setProductData(PriceData.ProductData.builder().setName(item.name()).build());
    if (item.recurring() != null) {
      price.setRecurring(
          PriceData.Recurring.builder()
              .setInterval(
                  item.recurring() == BillingInterval.YEAR
                      ? PriceData.Recurring.Interval.YEAR
                      : PriceData.Recurring.Interval.MONTH)
              .build());
    }
    return builder.setPriceData(price.build()).build();
  }
}
