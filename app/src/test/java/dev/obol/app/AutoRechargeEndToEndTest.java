package dev.obol.app;

import static dev.obol.app.testing.GrpcAssertions.assertError;
import static dev.obol.app.testing.GrpcAssertions.assertInvalidField;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.obol.app.testing.ObolTestProperties;
import dev.obol.app.testing.ObolUnderTest;
import dev.obol.app.testing.StripeEvents;
import dev.obol.app.testing.StripeEvents.Delivery;
import dev.obol.app.testing.StripeEvents.Text;
import dev.obol.app.testing.StripeStub;
import dev.obol.app.testing.StripeStub.PaymentIntentMode;
import dev.obol.app.testing.StripeStub.Recorded;
import dev.obol.domain.port.LedgerAudit;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.proto.v1.Asset;
import dev.obol.proto.v1.AutoRecharge;
import dev.obol.proto.v1.CheckAndDebitRequest;
import dev.obol.proto.v1.CheckAndDebitResponse;
import dev.obol.proto.v1.CreateCheckoutSessionRequest;
import dev.obol.proto.v1.GetAutoRechargeRequest;
import dev.obol.proto.v1.GetBalanceRequest;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantSource;
import dev.obol.proto.v1.SetAutoRechargeRequest;
import io.grpc.Status;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Auto-recharge end to end: settings over gRPC, debits over gRPC that cross the threshold, the dispatcher's off-session
 * charge to a local Stripe stub (real stripe-java), and Stripe's signed events back through the webhook, on a real
 * PostgreSQL. The clock is the test's: back-offs and months pass by moving it.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AutoRechargeEndToEndTest implements ObolTestProperties {

  private static final String SECRET = "whsec_auto_recharge_test";
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final StripeStub stripe = StripeStub.start();
  @Inject ObolUnderTest app;

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant =
      LedgerInvariantExtension.over(() -> app.bean(LedgerAudit.class), () -> app.clock.instant());

  private String account;
  private int requests;

  @Override
  public Map<String, Object> settings() {
    return Map.of(
        "obol.stripe.secret-key", "sk_test_obol",
        "obol.stripe.api-base", stripe.baseUrl(),
        "obol.stripe.webhook-secrets", SECRET,
        "obol.payments.packs", "basic=100/999,standard=500/3999",
        // The wake-up after a commit hands a recharge over at once; the scheduled run picks up what it left.
        "obol.auto-recharge.dispatch-interval", "200ms",
        "obol.auto-recharge.backoff", "1h",
        "obol.auto-recharge.lease", "30s");
  }

  @AfterAll
  void stopStripe() {
    stripe.close();
  }

  @BeforeEach
  void newAccount() {
    account = "acct-" + UUID.randomUUID();
    stripe.paymentIntents(PaymentIntentMode.PROCESSING).paymentIntentDelay(Duration.ZERO);
    app.clock.set(Instant.parse("2026-11-20T09:00:00Z"));
  }

  @Test
  void fiftyConcurrentDebitsThatCrossTheThresholdChargeOnceAndThePaidEventGrantsThePackOnce() throws Exception {
    String paymentMethod = saveCard();
    grant(300);
    AutoRecharge set = setAutoRecharge(100, 3).getAutoRecharge();
    assertThat(set.getEnabled()).isTrue();
    assertThat(set.getPaymentMethodSaved()).isTrue();
    assertThat(set.getGrantAmount()).isEqualTo(100);
    assertThat(set.getAmount()).isEqualTo(999);

    ExecutorService callers = Executors.newFixedThreadPool(50);
    try {
      List<CompletableFuture<CheckAndDebitResponse>> debits = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        String requestId = "d-" + i;
        debits.add(CompletableFuture.supplyAsync(() -> debit(5, requestId), callers));
      }
      for (CompletableFuture<CheckAndDebitResponse> debit : debits) {
        assertThat(debit.get().getAllowed()).isTrue();
      }
    } finally {
      callers.shutdownNow();
    }

    // Every debit from 95 down to 50 was below the threshold; the first requested, the others found it pending.
    assertThat(attempts()).isEqualTo(1);
    String intent = awaitIntents(1).get(0);
    Recorded charge = stripe.requestsTo(StripeStub.PAYMENT_INTENTS).stream()
        .filter(r -> account.equals(r.form().get("metadata[account_id]"))).findFirst().orElseThrow();
    assertThat(charge.headers()).containsEntry("idempotency-key", "auto_recharge:" + account + ":1");
    assertThat(charge.form())
        .containsEntry("amount", "999")
        .containsEntry("currency", "eur")
        .containsEntry("payment_method", paymentMethod)
        .containsEntry("off_session", "true")
        .containsEntry("confirm", "true")
        .containsEntry("metadata[kind]", "auto_recharge")
        .containsEntry("metadata[sequence]", "1")
        .containsEntry("metadata[pack]", "basic")
        .containsEntry("metadata[tokens]", "100");
    assertThat(charge.form().get("customer")).startsWith("cus_stub");
    assertThat(state().getPendingSequence()).isEqualTo(1);
    assertThat(balance()).isEqualTo(50);

    Text paid = new Text(stripe.paymentIntentEvent("payment_intent.succeeded", intent));
    assertThat(deliver(paid)).isEqualTo(ok("GRANTED"));
    assertThat(deliver(paid)).isEqualTo(ok("DUPLICATE"));
    // Stripe may also send a second event about the same intent: the intent is granted once.
    assertThat(deliver(new Text(stripe.paymentIntentEvent("payment_intent.succeeded", intent))))
        .isEqualTo(ok("ALREADY_GRANTED"));

    assertThat(balance()).isEqualTo(150);
    AutoRecharge after = state();
    assertThat(after.getPendingSequence()).isZero();
    assertThat(after.getRechargesThisMonth()).isEqualTo(1);
    assertThat(after.getFailuresInRow()).isZero();
    assertThat(attemptStatus(1)).isEqualTo("SUCCEEDED");
  }

  @Test
  void aPendingRechargeBlocksAnotherAndTheMonthlyLimitStopsTheRestUntilTheNextMonth() throws Exception {
    saveCard();
    grant(150);
    setAutoRecharge(100, 2);

    debit(60, "a"); // 90: recharge 1
    String first = awaitIntents(1).get(0);
    debit(10, "b"); // 80: recharge 1 is pending
    assertThat(attempts()).isEqualTo(1);
    assertThat(deliver(new Text(stripe.paymentIntentEvent("payment_intent.succeeded", first)))).isEqualTo(ok("GRANTED"));
    assertThat(balance()).isEqualTo(180);

    debit(90, "c"); // 90: recharge 2
    String second = awaitIntents(2).get(1);
    assertThat(deliver(new Text(stripe.paymentIntentEvent("payment_intent.succeeded", second)))).isEqualTo(ok("GRANTED"));
    debit(100, "d"); // 90: the month's two are used
    assertThat(attempts()).isEqualTo(2);
    assertThat(state().getRechargesThisMonth()).isEqualTo(2);

    app.clock.set(Instant.parse("2026-12-01T00:00:01Z"));
    debit(1, "e"); // 89, in December: recharge 3
    assertThat(attempts()).isEqualTo(3);
    awaitIntents(3);
    assertThat(state().getRechargesThisMonth()).isEqualTo(1);
  }

  @Test
  void declinesBackOffFourTimesLongerAndTheThirdInARowTurnsAutoRechargeOffWithNotifications() throws Exception {
    saveCard();
    grant(150);
    setAutoRecharge(100, 10);
    stripe.paymentIntents(PaymentIntentMode.DECLINE);

    debit(60, "a"); // 90: recharge 1, declined by Stripe's answer
    await(() -> state().getFailuresInRow() == 1, "the first decline recorded");
    AutoRecharge once = state();
    assertThat(once.getEnabled()).isTrue();
    assertThat(once.getRetryAfter().getSeconds()).isEqualTo(app.clock.instant().plus(Duration.ofHours(1)).getEpochSecond());
    assertThat(attemptStatus(1)).isEqualTo("FAILED");
    // The decline event Stripe sends too settles nothing more.
    String declined = intentsOf().get(0);
    assertThat(deliver(new Text(stripe.paymentIntentEvent("payment_intent.payment_failed", declined))))
        .isEqualTo(ok("RECHARGE_ALREADY_SETTLED"));

    debit(1, "b"); // within the back-off: nothing
    assertThat(attempts()).isEqualTo(1);

    app.clock.set(app.clock.instant().plus(Duration.ofHours(1)).plusSeconds(1));
    debit(1, "c"); // recharge 2, declined: four hours
    await(() -> state().getFailuresInRow() == 2, "the second decline recorded");
    assertThat(state().getRetryAfter().getSeconds())
        .isEqualTo(app.clock.instant().plus(Duration.ofHours(4)).getEpochSecond());

    app.clock.set(app.clock.instant().plus(Duration.ofHours(4)).plusSeconds(1));
    debit(1, "d"); // recharge 3, declined: off
    await(() -> !state().getEnabled(), "auto-recharge turned off");
    AutoRecharge off = state();
    assertThat(off.getFailuresInRow()).isEqualTo(3);
    assertThat(off.getDisabledReason()).isEqualTo("3 recharges failed in a row");

    app.clock.set(app.clock.instant().plus(Duration.ofDays(2)));
    debit(1, "e");
    assertThat(attempts()).isEqualTo(3);
    assertThat(intentsOf()).hasSize(3);
    assertThat(notifications("auto_recharge.failed")).isEqualTo(3);
    assertThat(notifications("auto_recharge.disabled")).isEqualTo(1);
  }

  @Test
  void aFailureEventAfterProcessingBacksOffAndMoneyThatArrivesLaterIsStillGranted() throws Exception {
    saveCard();
    grant(150);
    setAutoRecharge(100, 10);

    debit(60, "a");
    String intent = awaitIntents(1).get(0);
    await(() -> "PENDING".equals(attemptStatus(1)), "the charge handed over");

    assertThat(deliver(new Text(stripe.paymentIntentEvent("payment_intent.payment_failed", intent))))
        .isEqualTo(ok("RECHARGE_FAILED"));
    assertThat(state().getFailuresInRow()).isEqualTo(1);
    assertThat(notifications("auto_recharge.failed")).isEqualTo(1);

    // Out of order: Stripe reports the same intent paid later. The money arrived, so the pack is granted.
    assertThat(deliver(new Text(stripe.paymentIntentEvent("payment_intent.succeeded", intent))))
        .isEqualTo(ok("GRANTED"));
    assertThat(balance()).isEqualTo(190);
    assertThat(attemptStatus(1)).isEqualTo("SUCCEEDED");
    assertThat(state().getFailuresInRow()).isZero();
  }

  @Test
  void stripeUnavailableLeavesTheRechargeRequestedAndTheSameKeyChargesOnceWhenItIsBack() throws Exception {
    saveCard();
    grant(150);
    setAutoRecharge(100, 10);
    stripe.paymentIntents(PaymentIntentMode.UNAVAILABLE);

    debit(60, "a");
    String key = "auto_recharge:" + account + ":1";
    await(() -> requestsWithKey(key) >= 1, "a hand-over tried");
    assertThat(attemptStatus(1)).isEqualTo("REQUESTED");
    assertThat(intentsOf()).isEmpty();

    stripe.paymentIntents(PaymentIntentMode.PROCESSING);
    app.clock.set(app.clock.instant().plusSeconds(31)); // the claim ran out: handed over again
    awaitIntents(1);
    await(() -> "PENDING".equals(attemptStatus(1)), "the charge handed over");
    assertThat(requestsWithKey(key)).isGreaterThanOrEqualTo(2);
    assertThat(attempts()).isEqualTo(1);
  }

  @Test
  void turningItOnNeedsASavedCardAndBadSettingsAreInvalidArgumentsThatChangeNothing() {
    grant(150);

    assertError(Status.Code.FAILED_PRECONDITION, "PAYMENT_METHOD_REQUIRED", () -> setAutoRecharge(100, 3));
    assertInvalidField("pack", "UNKNOWN_PACK",
        () -> app.accounts().setAutoRecharge(settings(100, 3).setPack("platinum").build()));
    assertInvalidField("amount", "TOP_UP_TOO_SMALL",
        () -> app.accounts().setAutoRecharge(
            settings(100, 3).setAsset(Asset.ASSET_EUR).setAmount(1999).build()));
    assertThat(app.accounts().getAutoRecharge(GetAutoRechargeRequest.newBuilder().setAccountId(account).build())
        .getAutoRecharge().getConfigured()).isFalse();

    // Turned off, it may be configured before a card is saved; nothing is requested then.
    AutoRecharge off = app.accounts().setAutoRecharge(settings(100, 3).setEnabled(false).build()).getAutoRecharge();
    assertThat(off.getConfigured()).isTrue();
    assertThat(off.getEnabled()).isFalse();
    debit(60, "a");
    assertThat(attempts()).isZero();
  }

  // ---- helpers -----------------------------------------------------------------------------------------------------

  /** A checkout creates the account's Stripe customer; Stripe then reports the card saved on it. */
  private String saveCard() {
    app.accounts().createCheckoutSession(CreateCheckoutSessionRequest.newBuilder()
        .setAccountId(account)
        .setPack("basic")
        .setCustomerEmail("buyer@example.com")
        .setSuccessUrl("https://app.example.com/ok")
        .setCancelUrl("https://app.example.com/cancel")
        .setRequestId("checkout-" + account)
        .build());
    String customer = stripe.customerId("customer:" + account);
    String paymentMethod = "pm_stub" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    assertThat(deliver(new Text(StripeStub.paymentMethodAttachedEvent(customer, paymentMethod))))
        .isEqualTo(ok("PAYMENT_METHOD_SAVED"));
    return paymentMethod;
  }

  private SetAutoRechargeRequest.Builder settings(long threshold, int monthlyLimit) {
    return SetAutoRechargeRequest.newBuilder()
        .setAccountId(account)
        .setAsset(Asset.ASSET_TOKEN)
        .setThreshold(threshold)
        .setPack("basic")
        .setMonthlyLimit(monthlyLimit)
        .setEnabled(true)
        .setRequestId("ar-" + ++requests);
  }

  private dev.obol.proto.v1.SetAutoRechargeResponse setAutoRecharge(long threshold, int monthlyLimit) {
    return app.accounts().setAutoRecharge(settings(threshold, monthlyLimit).build());
  }

  private AutoRecharge state() {
    return app.accounts()
        .getAutoRecharge(GetAutoRechargeRequest.newBuilder().setAccountId(account).build())
        .getAutoRecharge();
  }

  private void grant(long tokens) {
    app.wallet().grant(GrantRequest.newBuilder()
        .setAccountId(account)
        .setAsset(Asset.ASSET_TOKEN)
        .setAmount(tokens)
        .setSource(GrantSource.GRANT_SOURCE_PROMO)
        .setRequestId("g-" + ++requests)
        .build());
  }

  private CheckAndDebitResponse debit(long tokens, String requestId) {
    CheckAndDebitResponse response = app.wallet().checkAndDebit(CheckAndDebitRequest.newBuilder()
        .setAccountId(account)
        .setAsset(Asset.ASSET_TOKEN)
        .setAmount(tokens)
        .setRequestId(requestId)
        .build());
    assertThat(response.getAllowed()).as("debit %s", requestId).isTrue();
    return response;
  }

  private long balance() {
    return app.wallet().getBalance(GetBalanceRequest.newBuilder().setAccountId(account).setAsset(Asset.ASSET_TOKEN)
        .build()).getWallets(0).getBalance();
  }

  /** The payment intents created for this account, in order. */
  private List<String> intentsOf() {
    return stripe.paymentIntentIds().stream()
        .filter(id -> account.equals(stripe.paymentIntentMetadata(id).get("account_id")))
        .toList();
  }

  private List<String> awaitIntents(int count) throws InterruptedException {
    await(() -> intentsOf().size() >= count, count + " payment intent(s) for " + account);
    List<String> intents = intentsOf();
    assertThat(intents).hasSize(count);
    return intents;
  }

  private long requestsWithKey(String key) {
    return stripe.requestsTo(StripeStub.PAYMENT_INTENTS).stream()
        .filter(r -> key.equals(r.headers().get("idempotency-key"))).count();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Instant deadline = Instant.now().plus(WAIT);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("waited " + WAIT.toSeconds() + " s for " + what);
      }
      Thread.sleep(20);
    }
  }

  private Delivery deliver(Text event) {
    return StripeEvents.post(app.httpPort(), event.json(),
        StripeEvents.signature(event.json(), SECRET, app.clock.instant()));
  }

  private static Delivery ok(String body) {
    return new Delivery(200, body);
  }

  private int attempts() {
    return count("SELECT count(*) FROM auto_recharge_attempts WHERE account_id = ?", account);
  }

  private int notifications(String type) {
    return count("SELECT count(*) FROM outbox WHERE account_id = ? AND type = ?", account, type);
  }

  private String attemptStatus(long sequence) {
    try (var connection = app.bean(HikariDataSource.class).getConnection();
        var statement = connection.prepareStatement(
            "SELECT status FROM auto_recharge_attempts WHERE account_id = ? AND sequence = ?")) {
      statement.setString(1, account);
      statement.setLong(2, sequence);
      try (var rows = statement.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private int count(String sql, String... parameters) {
    try (var connection = app.bean(HikariDataSource.class).getConnection();
        var statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setString(i + 1, parameters[i]);
      }
      try (var rows = statement.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
