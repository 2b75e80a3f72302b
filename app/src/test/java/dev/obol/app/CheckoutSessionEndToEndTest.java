package dev.obol.app;

import static dev.obol.app.testing.GrpcAssertions.assertError;
import static dev.obol.app.testing.GrpcAssertions.assertInvalidField;
import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.app.testing.ObolTestProperties;
import dev.obol.app.testing.ObolUnderTest;
import dev.obol.app.testing.StripeStub.Recorded;
import dev.obol.app.testing.StripeStub;
import dev.obol.domain.port.LedgerAudit;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.proto.v1.CreateCheckoutSessionRequest;
import dev.obol.proto.v1.CreateCheckoutSessionResponse;
import io.grpc.Status;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** CreateCheckoutSession over gRPC against a local Stripe stub that records what Obol sent. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckoutSessionEndToEndTest implements ObolTestProperties {

  private static final String SUCCESS_URL = "https://app.example.com/billing/success?session={CHECKOUT_SESSION_ID}";
  private static final String CANCEL_URL = "https://app.example.com/billing/cancel";

  private final StripeStub stripe = StripeStub.start();
  @Inject ObolUnderTest app;

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant =
      LedgerInvariantExtension.over(() -> app.bean(LedgerAudit.class), () -> app.clock.instant());

  private String account;

  @Override
  public Map<String, Object> settings() {
    return Map.of(
        "obol.stripe.secret-key", "sk_test_obol",
        "obol.stripe.api-base", stripe.baseUrl(),
        // premium and yearly name Stripe prices; the others are sent inline as price_data.
        "obol.payments.packs", "basic=100/999,standard=500/3999,premium=1000/6999/price_premium_1",
        "obol.payments.plans", "monthly=month/990/3000/0,yearly=year/9900/3000/500/price_yearly_1",
        "obol.payments.top-up-max-amount", "50000");
  }

  @AfterAll
  void stopStripe() {
    stripe.close();
  }

  @BeforeEach
  void newAccount() {
    account = "acct-" + UUID.randomUUID();
  }

  @Test
  void packCheckoutIsAPaymentWithTheMetadataConventionInlinePriceAndTheRequestIdAsIdempotencyKey() {
    CreateCheckoutSessionResponse response =
        app.accounts().createCheckoutSession(request("r1").setPack("standard").setCustomerEmail("a@example.com").build());

    assertThat(response.getSessionId()).startsWith("cs_test_stub");
    assertThat(response.getUrl()).isEqualTo("https://checkout.stripe.com/c/pay/" + response.getSessionId());
    // One Stripe customer per account, created before its first checkout (idempotent by account) with the e-mail.
    Recorded customerCall = stripe.requestsTo(StripeStub.CUSTOMERS).stream()
        .filter(r -> account.equals(r.form().get("metadata[account_id]"))).findFirst().orElseThrow();
    assertThat(customerCall.form()).containsEntry("email", "a@example.com");
    assertThat(customerCall.headers()).containsEntry("idempotency-key", "customer:" + account);
    String customerId = stripe.customerId(customerCall.headers().get("idempotency-key"));
    Recorded sent = stripe.last();
    assertThat(sent.method()).isEqualTo("POST");
    assertThat(sent.path()).isEqualTo("/v1/checkout/sessions");
    assertThat(sent.headers()).containsEntry("authorization", "Bearer sk_test_obol")
        .containsEntry("idempotency-key", account + ":r1");
    assertThat(sent.form())
        .containsEntry("mode", "payment")
        .containsEntry("client_reference_id", account)
        .containsEntry("success_url", SUCCESS_URL)
        .containsEntry("cancel_url", CANCEL_URL)
        .containsEntry("customer", customerId)
        .doesNotContainKey("customer_email") // Stripe takes one of the two; the e-mail is on the customer
        // The card is kept on the customer so auto-recharge can charge it off-session later.
        .containsEntry("payment_intent_data[setup_future_usage]", "off_session")
        .containsEntry("metadata[kind]", "token_pack")
        .containsEntry("metadata[account_id]", account)
        .containsEntry("metadata[pack]", "standard")
        .containsEntry("metadata[tokens]", "500")
        .containsEntry("payment_intent_data[metadata][kind]", "token_pack")
        .containsEntry("payment_intent_data[metadata][account_id]", account)
        .containsEntry("payment_intent_data[metadata][tokens]", "500")
        .containsEntry("line_items[0][quantity]", "1")
        .containsEntry("line_items[0][price_data][unit_amount]", "3999")
        .containsEntry("line_items[0][price_data][currency]", "eur")
        .containsKey("line_items[0][price_data][product_data][name]")
        .doesNotContainKey("line_items[0][price]")
        .doesNotContainKey("subscription_data[metadata][kind]");
  }

  @Test
  void aPackWithAStripePriceIdSendsThePriceId() {
    app.accounts().createCheckoutSession(request("r1").setPack("premium").build());

    assertThat(stripe.last().form())
        .containsEntry("line_items[0][price]", "price_premium_1")
        .containsEntry("metadata[tokens]", "1000")
        .doesNotContainKey("line_items[0][price_data][unit_amount]");
  }

  @Test
  void planCheckoutIsASubscriptionWithTheMetadataAlsoOnTheSubscription() {
    app.accounts().createCheckoutSession(request("m1").setPlan("monthly").build());

    assertThat(stripe.last().form())
        .containsEntry("mode", "subscription")
        .containsEntry("metadata[kind]", "subscription")
        .containsEntry("metadata[plan]", "monthly")
        .containsEntry("metadata[monthly_tokens]", "3000")
        .containsEntry("subscription_data[metadata][kind]", "subscription")
        .containsEntry("subscription_data[metadata][account_id]", account)
        .containsEntry("subscription_data[metadata][plan]", "monthly")
        .containsEntry("subscription_data[metadata][monthly_tokens]", "3000")
        .containsEntry("line_items[0][price_data][unit_amount]", "990")
        .containsEntry("line_items[0][price_data][recurring][interval]", "month")
        .doesNotContainKey("payment_intent_data[metadata][kind]");

    app.accounts().createCheckoutSession(request("y1").setPlan("yearly").build());

    assertThat(stripe.last().form())
        .containsEntry("mode", "subscription")
        .containsEntry("line_items[0][price]", "price_yearly_1")
        .containsEntry("subscription_data[metadata][plan]", "yearly")
        .containsEntry("subscription_data[metadata][interval]", "year")
        .containsEntry("subscription_data[metadata][rollover_cap]", "500");
  }

  @Test
  void topUpCheckoutIsAPaymentOfThatManyCents() {
    app.accounts().createCheckoutSession(request("t1").setTopUpAmount(2500).build());

    assertThat(stripe.last().form())
        .containsEntry("mode", "payment")
        .containsEntry("metadata[kind]", "top_up")
        .containsEntry("metadata[account_id]", account)
        .containsEntry("metadata[amount]", "2500")
        .containsEntry("payment_intent_data[metadata][kind]", "top_up")
        .containsEntry("line_items[0][price_data][unit_amount]", "2500")
        .containsEntry("line_items[0][price_data][currency]", "eur");
  }

  @Test
  void aRetryWithTheSameRequestIdGetsTheSameSession() {
    CreateCheckoutSessionRequest same = request("retry").setPack("basic").build();

    CreateCheckoutSessionResponse first = app.accounts().createCheckoutSession(same);
    CreateCheckoutSessionResponse second = app.accounts().createCheckoutSession(same);

    assertThat(second).isEqualTo(first);
    assertThat(stripe.requests()).filteredOn(r -> (account + ":retry").equals(r.headers().get("idempotency-key")))
        .hasSize(2);
  }

  @Test
  void badInputIsInvalidArgumentWithTheFieldNamedAndNothingIsSentToStripe() {
    int before = stripe.requests().size();

    assertInvalidField("top_up_amount", "TOP_UP_TOO_SMALL",
        () -> app.accounts().createCheckoutSession(request("b1").setTopUpAmount(1999).build()));
    assertInvalidField("top_up_amount", "TOP_UP_TOO_LARGE",
        () -> app.accounts().createCheckoutSession(request("b2").setTopUpAmount(50001).build()));
    assertInvalidField("pack", "UNKNOWN_PACK",
        () -> app.accounts().createCheckoutSession(request("b3").setPack("platinum").build()));
    assertInvalidField("plan", "UNKNOWN_PLAN",
        () -> app.accounts().createCheckoutSession(request("b4").setPlan("weekly").build()));
    assertInvalidField("success_url", "MISSING_FIELD",
        () -> app.accounts().createCheckoutSession(request("b5").setPack("basic").clearSuccessUrl().build()));
    assertInvalidField("cancel_url", "MISSING_FIELD",
        () -> app.accounts().createCheckoutSession(request("b6").setPack("basic").clearCancelUrl().build()));
    assertInvalidField("success_url", "INVALID_URL",
        () -> app.accounts().createCheckoutSession(request("b7").setPack("basic").setSuccessUrl("ftp://x").build()));
    assertInvalidField("purchase", "MISSING_FIELD",
        () -> app.accounts().createCheckoutSession(request("b8").build()));
    assertInvalidField("account_id", "MISSING_FIELD",
        () -> app.accounts().createCheckoutSession(request("b9").setPack("basic").clearAccountId().build()));
    assertInvalidField("request_id", "MISSING_FIELD",
        () -> app.accounts().createCheckoutSession(request("b10").setPack("basic").clearRequestId().build()));

    assertThat(stripe.requests()).hasSize(before);
  }

  @Test
  void aRequestStripeRefusesIsFailedPreconditionWithoutStripesDetailsLeaking() {
    assertError(Status.Code.FAILED_PRECONDITION, "PAYMENT_PROVIDER_REJECTED",
        () -> app.accounts().createCheckoutSession(
            request("x1").setPack("basic").setSuccessUrl("https://app.example.com/" + StripeStub.REJECT_MARKER)
                .build()));
  }

  private CreateCheckoutSessionRequest.Builder request(String requestId) {
    return CreateCheckoutSessionRequest.newBuilder()
        .setAccountId(account)
        .setSuccessUrl(SUCCESS_URL)
        .setCancelUrl(CANCEL_URL)
        .setRequestId(requestId);
  }
}
