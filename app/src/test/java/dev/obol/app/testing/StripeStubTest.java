package dev.obol.app.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stripe.StripeClient;
import com.stripe.exception.ApiException;
import com.stripe.exception.CardException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import com.stripe.model.Customer;
import com.stripe.model.PaymentIntent;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.checkout.SessionCreateParams;
import dev.obol.app.testing.StripeStub.PaymentIntentMode;
import dev.obol.app.testing.StripeStub.Recorded;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Stripe stub as stripe-java 33.3.0 sees it: each answer deserializes, or throws, as Stripe's would. */
class StripeStubTest {

  private final StripeStub stub = StripeStub.start();
  private final StripeClient client = client(0);

  @AfterEach
  void stop() {
    stub.close();
  }

  private StripeClient client(int maxNetworkRetries) {
    StripeClient.StripeClientBuilder builder =
        StripeClient.builder().setApiKey("sk_test_x").setApiBase(stub.baseUrl());
    if (maxNetworkRetries > 0) {
      builder.setMaxNetworkRetries(maxNetworkRetries);
    }
    return builder.build();
  }

  private static PaymentIntentCreateParams recharge() {
    return PaymentIntentCreateParams.builder()
        .setAmount(2000L)
        .setCurrency("eur")
        .setCustomer("cus_x")
        .setPaymentMethod("pm_x")
        .setOffSession(true)
        .setConfirm(true)
        .putMetadata("kind", "auto_recharge")
        .build();
  }

  private static RequestOptions key(String key) {
    return RequestOptions.builder().setIdempotencyKey(key).build();
  }

  private PaymentIntent charge(String key) throws StripeException {
    return client.v1().paymentIntents().create(recharge(), key(key));
  }

  @Test
  void processingIsTheDefault() throws StripeException {
    PaymentIntent intent = charge("recharge-1");

    assertThat(stub.paymentIntentMode()).isEqualTo(PaymentIntentMode.PROCESSING);
    assertThat(intent.getId()).isEqualTo("pi_stub1");
    assertThat(intent.getObject()).isEqualTo("payment_intent");
    assertThat(intent.getStatus()).isEqualTo("processing");
    assertThat(intent.getAmount()).isEqualTo(2000L);
    assertThat(intent.getAmountReceived()).isZero();
    assertThat(intent.getCurrency()).isEqualTo("eur");
    assertThat(intent.getCustomer()).isEqualTo("cus_x");
    assertThat(intent.getPaymentMethod()).isEqualTo("pm_x");
    assertThat(intent.getMetadata()).containsExactlyEntriesOf(Map.of("kind", "auto_recharge"));
    assertThat(intent.getLastPaymentError()).isNull();
    assertThat(stub.paymentIntentsCreated()).isEqualTo(1);

    Recorded sent = stub.last();
    assertThat(sent.method()).isEqualTo("POST");
    assertThat(sent.path()).isEqualTo(StripeStub.PAYMENT_INTENTS);
    assertThat(sent.headers()).containsEntry("idempotency-key", "recharge-1");
    assertThat(sent.form())
        .containsEntry("amount", "2000")
        .containsEntry("currency", "eur")
        .containsEntry("customer", "cus_x")
        .containsEntry("payment_method", "pm_x")
        .containsEntry("off_session", "true")
        .containsEntry("confirm", "true")
        .containsEntry("metadata[kind]", "auto_recharge");
  }

  @Test
  void succeeded() throws StripeException {
    stub.paymentIntents(PaymentIntentMode.SUCCEEDED);

    PaymentIntent intent = charge("recharge-1");

    assertThat(intent.getStatus()).isEqualTo("succeeded");
    assertThat(intent.getAmountReceived()).isEqualTo(2000L);
    assertThat(intent.getLatestCharge()).startsWith("ch_stub");
    assertThat(intent.getMetadata()).containsEntry("kind", "auto_recharge");
    assertThat(stub.paymentIntentsCreated()).isEqualTo(1);
  }

  @Test
  void aRepeatedKeyGetsTheFirstAnswerAndCreatesNothing() throws StripeException {
    PaymentIntent first = charge("recharge-1");
    stub.paymentIntents(PaymentIntentMode.DECLINE); // a replay ignores the mode
    PaymentIntent again = charge("recharge-1");

    assertThat(again.getId()).isEqualTo(first.getId());
    assertThat(again.getStatus()).isEqualTo("processing");
    assertThat(first.getLastResponse().headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(again.getLastResponse().headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(stub.paymentIntentsCreated()).isEqualTo(1);
    assertThat(stub.requestsTo(StripeStub.PAYMENT_INTENTS)).hasSize(2);

    stub.paymentIntents(PaymentIntentMode.PROCESSING);
    assertThat(charge("recharge-2").getId()).isEqualTo("pi_stub2");
    assertThat(stub.paymentIntentsCreated()).isEqualTo(2);
  }

  @Test
  void declineThrowsACardExceptionCarryingTheIntent() {
    stub.paymentIntents(PaymentIntentMode.DECLINE);

    CardException declined = catchCard(() -> charge("recharge-1"));

    assertThat(declined.getStatusCode()).isEqualTo(402);
    assertThat(declined.getCode()).isEqualTo("card_declined");
    assertThat(declined.getDeclineCode()).isEqualTo("insufficient_funds");
    assertThat(declined.getStripeError().getMessage()).isEqualTo("Your card has insufficient funds.");
    assertThat(declined.getStripeError().getType()).isEqualTo("card_error");
    assertThat(declined.getStripeError().getPaymentMethod().getId()).isEqualTo("pm_x");
    PaymentIntent intent = declined.getStripeError().getPaymentIntent();
    assertThat(intent.getId()).isEqualTo("pi_stub1");
    assertThat(intent.getStatus()).isEqualTo("requires_payment_method");
    assertThat(intent.getAmount()).isEqualTo(2000L);
    assertThat(intent.getMetadata()).containsEntry("kind", "auto_recharge");
    assertThat(intent.getLastPaymentError().getDeclineCode()).isEqualTo("insufficient_funds");
    assertThat(intent.getLastPaymentError().getPaymentMethod().getId()).isEqualTo("pm_x");
    assertThat(stub.paymentIntentsCreated()).isEqualTo(1);

    // The decline is stored under the key: the same key declines again with the same intent, even in another mode.
    stub.paymentIntents(PaymentIntentMode.SUCCEEDED);
    CardException again = catchCard(() -> charge("recharge-1"));
    assertThat(again.getStripeError().getPaymentIntent().getId()).isEqualTo("pi_stub1");
    assertThat(stub.paymentIntentsCreated()).isEqualTo(1);
  }

  @Test
  void unavailableIsNotStoredUnderTheKey() throws StripeException {
    stub.paymentIntents(PaymentIntentMode.UNAVAILABLE);

    assertThatThrownBy(() -> charge("recharge-1"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getStatusCode()).isEqualTo(503));
    // A StripeClient built without setMaxNetworkRetries does not retry: one request.
    assertThat(stub.requestsTo(StripeStub.PAYMENT_INTENTS)).hasSize(1);
    assertThat(stub.paymentIntentsCreated()).isZero();

    stub.paymentIntents(PaymentIntentMode.PROCESSING);
    PaymentIntent intent = charge("recharge-1");

    assertThat(intent.getId()).isEqualTo("pi_stub1");
    assertThat(intent.getStatus()).isEqualTo("processing");
    assertThat(stub.paymentIntentsCreated()).isEqualTo(1);
    assertThat(stub.requestsTo(StripeStub.PAYMENT_INTENTS)).hasSize(2);
  }

  @Test
  void withNetworkRetriesStripeJavaResendsA503UnderTheSameKey() {
    stub.paymentIntents(PaymentIntentMode.UNAVAILABLE);
    StripeClient retrying = client(1);

    assertThatThrownBy(() -> retrying.v1().paymentIntents().create(recharge(), key("recharge-1")))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getStatusCode()).isEqualTo(503));

    List<Recorded> sent = stub.requestsTo(StripeStub.PAYMENT_INTENTS);
    assertThat(sent).hasSize(2);
    assertThat(sent).allSatisfy(r -> assertThat(r.headers()).containsEntry("idempotency-key", "recharge-1"));
    assertThat(stub.paymentIntentsCreated()).isZero();
  }

  @Test
  void aConcurrentRequestWithTheSameKeyGetsA409() throws Exception {
    stub.paymentIntentDelay(Duration.ofMillis(500));
    CompletableFuture<PaymentIntent> first = CompletableFuture.supplyAsync(() -> unchecked(() -> charge("recharge-1")));
    awaitRequests(1);

    // Without retries stripe-java throws the 409, as a plain ApiException (IdempotencyException is only for a 400/404
    // of type idempotency_error, i.e. a key reused with other parameters); with a retry (after >= 375 ms) it gets the
    // first answer.
    assertThatThrownBy(() -> charge("recharge-1"))
        .isExactlyInstanceOf(ApiException.class)
        .satisfies(e -> {
          ApiException conflict = (ApiException) e;
          assertThat(conflict.getStatusCode()).isEqualTo(409);
          assertThat(conflict.getStripeError().getType()).isEqualTo("idempotency_error");
        });
    PaymentIntent retried = client(1).v1().paymentIntents().create(recharge(), key("recharge-1"));

    assertThat(retried.getId()).isEqualTo(first.get(5, TimeUnit.SECONDS).getId());
    assertThat(stub.paymentIntentsCreated()).isEqualTo(1);
  }

  @Test
  void delayedRequestsOverlap() throws Exception {
    stub.paymentIntentDelay(Duration.ofSeconds(2));
    CompletableFuture<PaymentIntent> first = CompletableFuture.supplyAsync(() -> unchecked(() -> charge("a")));
    awaitRequests(1);
    CompletableFuture<PaymentIntent> second = CompletableFuture.supplyAsync(() -> unchecked(() -> charge("b")));
    awaitRequests(2);

    assertThat(first).isNotDone(); // the second request was taken while the first one was still being answered
    assertThat(List.of(first.get(10, TimeUnit.SECONDS).getId(), second.get(10, TimeUnit.SECONDS).getId()))
        .containsExactlyInAnyOrder("pi_stub1", "pi_stub2");
    assertThat(stub.paymentIntentsCreated()).isEqualTo(2);
  }

  @Test
  void customers() throws StripeException {
    CustomerCreateParams params = CustomerCreateParams.builder()
        .setEmail("jenny.rosen@example.com")
        .putMetadata("account_id", "acct-123")
        .build();

    Customer customer = client.v1().customers().create(params, key("customer-acct-123"));
    Customer again = client.v1().customers().create(params, key("customer-acct-123"));
    Customer other = client.v1().customers().create(CustomerCreateParams.builder().build(), key("customer-other"));

    assertThat(customer.getId()).isEqualTo("cus_stub1");
    assertThat(customer.getObject()).isEqualTo("customer");
    assertThat(customer.getEmail()).isEqualTo("jenny.rosen@example.com");
    assertThat(customer.getMetadata()).containsExactlyEntriesOf(Map.of("account_id", "acct-123"));
    assertThat(again.getId()).isEqualTo("cus_stub1");
    assertThat(other.getId()).isEqualTo("cus_stub2");
    assertThat(other.getEmail()).isNull();
    assertThat(other.getMetadata()).isEmpty();
    assertThat(stub.customersCreated()).isEqualTo(2);
    assertThat(stub.requestsTo(StripeStub.CUSTOMERS)).hasSize(3);
    assertThat(stub.requestsTo(StripeStub.CUSTOMERS).get(0).form())
        .containsEntry("email", "jenny.rosen@example.com")
        .containsEntry("metadata[account_id]", "acct-123");
  }

  @Test
  void checkoutSessionsAreAnsweredAsBefore() throws StripeException {
    SessionCreateParams params = SessionCreateParams.builder()
        .setMode(SessionCreateParams.Mode.PAYMENT)
        .setSuccessUrl("https://app.example.com/ok")
        .build();

    String id = client.v1().checkout().sessions().create(params, key("session-1")).getId();

    assertThat(id).isEqualTo("cs_test_stub1");
    assertThat(client.v1().checkout().sessions().create(params, key("session-1")).getId()).isEqualTo(id);
    assertThatThrownBy(() -> client.v1().refunds().create(
            com.stripe.param.RefundCreateParams.builder().setPaymentIntent("pi_x").build()))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.getStatusCode()).isEqualTo(404));
  }

  private void awaitRequests(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (stub.requestsTo(StripeStub.PAYMENT_INTENTS).size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the stub got " + stub.requestsTo(StripeStub.PAYMENT_INTENTS).size() + " requests");
      }
      Thread.sleep(10);
    }
  }

  private interface Call<T> {
    T call() throws StripeException;
  }

  private static <T> T unchecked(Call<T> call) {
    try {
      return call.call();
    } catch (StripeException e) {
      throw new IllegalStateException(e);
    }
  }

  private static CardException catchCard(Call<?> call) {
    try {
      call.call();
    } catch (CardException e) {
      return e;
    } catch (StripeException e) {
      throw new AssertionError("expected a CardException, got " + e, e);
    }
    throw new AssertionError("expected a CardException");
  }
}
