package dev.obol.app;

import static dev.obol.app.testing.StripeEvents.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import com.zaxxer.hikari.HikariDataSource;
import dev.obol.app.testing.ObolTestProperties;
import dev.obol.app.testing.ObolUnderTest;
import dev.obol.app.testing.StripeEvents.Delivery;
import dev.obol.app.testing.StripeEvents.Text;
import dev.obol.app.testing.StripeEvents;
import dev.obol.domain.error.NotFoundException;
import dev.obol.domain.payment.EventOutcome;
import dev.obol.domain.port.LedgerAudit;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.domain.usecase.PaymentEventUseCases;
import dev.obol.persistence.PostgresPaymentStore.StoredEvent;
import dev.obol.persistence.PostgresPaymentStore;
import dev.obol.proto.v1.AccountStatus;
import dev.obol.proto.v1.Asset;
import dev.obol.proto.v1.CheckAndDebitRequest;
import dev.obol.proto.v1.EntryKind;
import dev.obol.proto.v1.GetBalanceRequest;
import dev.obol.proto.v1.GetStandingRequest;
import dev.obol.proto.v1.GetStandingResponse;
import dev.obol.proto.v1.GrantInfo;
import dev.obol.proto.v1.GrantSource;
import dev.obol.proto.v1.LedgerEntry;
import dev.obol.proto.v1.ListLedgerEntriesRequest;
import dev.obol.proto.v1.RunMonthlyChargesRequest;
import dev.obol.proto.v1.SetSeatCountRequest;
import dev.obol.proto.v1.WalletBalance;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * POST /stripe/webhook end to end: the fixtures of ../shared/stripe-events and variants derived from them, signed as
 * Stripe signs, over a real HTTP socket, into a real PostgreSQL; effects read back over gRPC.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StripeWebhookEndToEndTest implements ObolTestProperties {

  /** Two secrets configured, as during a rotation; events are signed with the second. */
  private static final String OLD_SECRET = "whsec_rotated_out_secret";
  private static final String SECRET = "whsec_test_secret";

  private static final String PACK_PAID = "checkout.session.completed.payment.json";
  private static final String PACK_UNPAID = "checkout.session.completed.payment_unpaid.json";
  private static final String ASYNC_SUCCEEDED = "checkout.session.async_payment_succeeded.json";
  private static final String ASYNC_FAILED = "checkout.session.async_payment_failed.json";
  private static final String SUBSCRIPTION_CHECKOUT = "checkout.session.completed.subscription.json";
  private static final String INVOICE_CREATE = "invoice.payment_succeeded.subscription_create.json";
  private static final String INVOICE_CYCLE = "invoice.payment_succeeded.subscription_cycle.json";
  private static final String INVOICE_FAILED = "invoice.payment_failed.json";
  private static final String SUBSCRIPTION_DELETED = "customer.subscription.deleted.json";
  private static final String REFUNDED = "charge.refunded.json";
  private static final String DISPUTED = "charge.dispute.created.json";
  private static final String DISPUTE_CLOSED = "charge.dispute.closed.json";

  /** The fixtures' first subscription period: 2026-08-06T12:00Z to 2026-09-06T12:00Z, then to 2026-10-06T12:00Z. */
  private static final long PERIOD_1_START = 1786017600L;
  private static final long PERIOD_1_END = 1788696000L;
  private static final long PERIOD_2_END = 1791288000L;

  private static final AtomicInteger COUNTER = new AtomicInteger();
  @Inject ObolUnderTest app;

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant =
      LedgerInvariantExtension.over(() -> app.bean(LedgerAudit.class), () -> app.clock.instant());


  private String account;
  private String suffix;

  @Override
  public Map<String, Object> settings() {
    return Map.of("obol.stripe.webhook-secrets", OLD_SECRET + ", " + SECRET);
  }

  @BeforeEach
  void newAccount() {
    account = "acct-" + UUID.randomUUID();
    // Stripe ids are alphanumeric after their prefix; the suffix keeps each test's objects apart.
    suffix = "T" + COUNTER.incrementAndGet() + "x" + UUID.randomUUID().toString().substring(0, 8).replace("-", "");
    app.clock.set(Instant.parse("2026-11-01T09:00:00Z"));
  }

  // ---- one-time packs and top-ups --------------------------------------------------------------------------------

  @Test
  void paidPackSessionGrantsThePackOnceHoweverOftenItIsDelivered() {
    Text paid = event(PACK_PAID);

    assertThat(deliver(paid)).isEqualTo(ok("GRANTED"));
    assertThat(deliver(paid)).isEqualTo(ok("DUPLICATE"));
    assertThat(deliver(paid)).isEqualTo(ok("DUPLICATE"));

    WalletBalance tokens = wallet(Asset.ASSET_TOKEN);
    assertThat(tokens.getBalance()).isEqualTo(500);
    assertThat(tokens.getGrantsList()).singleElement().satisfies(grant -> {
      assertThat(grant.getSource()).isEqualTo(GrantSource.GRANT_SOURCE_PURCHASE);
      assertThat(grant.hasExpiresAt()).isFalse();
      assertThat(grant.getReference()).startsWith("cs_test_");
    });
    assertThat(ledger()).singleElement().satisfies(entry -> {
      assertThat(entry.getKind()).isEqualTo(EntryKind.ENTRY_KIND_GRANT);
      assertThat(entry.getReason()).isEqualTo("token_pack:standard");
      assertThat(entry.getRequestId()).isEqualTo("stripe:" + paid.eventId());
    });
    StoredEvent stored = app.bean(PostgresPaymentStore.class).event(paid.eventId()).orElseThrow();
    assertThat(stored.type()).isEqualTo("checkout.session.completed");
    assertThat(stored.accountId()).isEqualTo(account);
    assertThat(stored.outcome()).isEqualTo("GRANTED");
  }

  @Test
  void unpaidSessionWaitsForTheAsyncPaymentAndIsGrantedOnceWhicheverPaidEventComesLater() {
    assertThat(deliver(event(PACK_UNPAID))).isEqualTo(ok("AWAITING_PAYMENT"));
    assertThat(balanceOrZero(Asset.ASSET_TOKEN)).isZero();

    assertThat(deliver(event(ASYNC_SUCCEEDED))).isEqualTo(ok("GRANTED"));
    // A paid "completed" for the same session (a second event id) grants nothing more.
    Text completedPaid = event(PACK_UNPAID).replace("\"payment_status\": \"unpaid\"", "\"payment_status\": \"paid\"")
        .newEventId("b");
    assertThat(deliver(completedPaid)).isEqualTo(ok("ALREADY_GRANTED"));
    assertThat(deliver(event(ASYNC_SUCCEEDED).newEventId("c"))).isEqualTo(ok("ALREADY_GRANTED"));

    assertThat(wallet(Asset.ASSET_TOKEN).getBalance()).isEqualTo(500);
    assertThat(wallet(Asset.ASSET_TOKEN).getGrantsList()).hasSize(1);
  }

  @Test
  void concurrentDeliveriesOfOneEventAndOfBothPaidEventsOfASessionGrantOnce() {
    Text completedPaid =
        event(PACK_UNPAID).replace("\"payment_status\": \"unpaid\"", "\"payment_status\": \"paid\"");
    Text asyncSucceeded = event(ASYNC_SUCCEEDED);
    List<CompletableFuture<Delivery>> deliveries = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      deliveries.add(CompletableFuture.supplyAsync(() -> deliver(completedPaid)));
      deliveries.add(CompletableFuture.supplyAsync(() -> deliver(asyncSucceeded)));
    }
    List<String> bodies = new ArrayList<>();
    for (CompletableFuture<Delivery> delivery : deliveries) {
      assertThat(delivery.join().status()).isEqualTo(200);
      bodies.add(delivery.join().body());
    }

    assertThat(bodies).containsOnlyOnce("GRANTED");
    assertThat(bodies).filteredOn(b -> !b.equals("GRANTED")).allMatch(b -> b.equals("DUPLICATE")
        || b.equals("ALREADY_GRANTED"));
    assertThat(wallet(Asset.ASSET_TOKEN).getBalance()).isEqualTo(500);
    assertThat(count("SELECT count(*) FROM stripe_events WHERE account_id = ?")).isEqualTo(2);
  }

  @Test
  void failedAsyncPaymentGrantsNothing() {
    assertThat(deliver(event(ASYNC_FAILED))).isEqualTo(ok("PAYMENT_FAILED"));
    assertThat(balanceOrZero(Asset.ASSET_TOKEN)).isZero();
  }

  @Test
  void paidTopUpGrantsItsAmountTotalInEuroCents() {
    Text topUp =
        event(PACK_PAID)
            .replace("\"kind\": \"token_pack\"", "\"kind\": \"top_up\"")
            .replace("\"amount_total\": 3999", "\"amount_total\": 2500");

    assertThat(deliver(topUp)).isEqualTo(ok("GRANTED"));

    WalletBalance eur = wallet(Asset.ASSET_EUR);
    assertThat(eur.getBalance()).isEqualTo(2500);
    assertThat(eur.getGrantsList()).singleElement()
        .extracting(GrantInfo::getSource).isEqualTo(GrantSource.GRANT_SOURCE_TOP_UP);
    assertThat(balanceOrZero(Asset.ASSET_TOKEN)).isZero();

    // A partial refund of the top-up takes back the same share of its cents.
    Text refund =
        event(REFUNDED)
            .replace("\"amount\": 3999", "\"amount\": 2500")
            .replace("\"amount_refunded\": 3999", "\"amount_refunded\": 1000");
    assertThat(deliver(refund)).isEqualTo(ok("CLAWED_BACK"));
    assertThat(wallet(Asset.ASSET_EUR).getBalance()).isEqualTo(1500);
  }

  @Test
  void aTopUpThatGrantsNothingIsIgnoredAndCreatesNoAccount() {
    for (String amount : List.of("0", "-2500", "null")) {
      Text topUp =
          event(PACK_PAID)
              .newEventId("a" + amount.replace("-", "m"))
              .replace("\"kind\": \"token_pack\"", "\"kind\": \"top_up\"")
              .replace("\"amount_total\": 3999", "\"amount_total\": " + amount);
      Map<String, Long> before = tableCounts();

      assertThat(deliver(topUp)).as(amount).isEqualTo(ok("IGNORED"));

      assertThat(count("SELECT count(*) FROM accounts WHERE account_id = ?")).as(amount).isZero();
      long eventsBefore = before.remove("stripe_events");
      Map<String, Long> after = tableCounts();
      assertThat(after.remove("stripe_events")).isEqualTo(eventsBefore + 1);
      assertThat(after).as("nothing but the event is written").isEqualTo(before);
    }
    assertThatThrownBy(() -> wallet(Asset.ASSET_EUR))
        .isInstanceOfSatisfying(io.grpc.StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.NOT_FOUND));
  }

  @Test
  void aStripeTopUpCollectsAnOwedSeatFeeThroughTheGrantWriterAndTheAccountIsActiveAgain() {
    app.clock.set(Instant.parse("2027-01-01T00:01:00Z"));
    app.accounts().setSeatCount(
        SetSeatCountRequest.newBuilder().setAccountId(account).setSeatCount(1).setRequestId("seats").build());
    app.accounts().runMonthlyCharges(
        RunMonthlyChargesRequest.newBuilder()
            .setAsOf(Timestamp.newBuilder().setSeconds(app.clock.instant().getEpochSecond()))
            .setRequestId("run-" + suffix)
            .build());
    GetStandingResponse owing = standing();
    assertThat(owing.getStatus()).isEqualTo(AccountStatus.ACCOUNT_STATUS_INSUFFICIENT_FUNDS);
    assertThat(owing.getOwed()).isEqualTo(500);

    Text topUp =
        event(PACK_PAID)
            .replace("\"kind\": \"token_pack\"", "\"kind\": \"top_up\"")
            .replace("\"amount_total\": 3999", "\"amount_total\": 2500");
    assertThat(deliver(topUp)).isEqualTo(ok("GRANTED"));

    GetStandingResponse paid = standing();
    assertThat(paid.getStatus()).isEqualTo(AccountStatus.ACCOUNT_STATUS_ACTIVE);
    assertThat(paid.getOwed()).isZero();
    assertThat(paid.getBalance()).isEqualTo(2000);
    assertThat(ledger()).anySatisfy(entry -> {
      assertThat(entry.getKind()).isEqualTo(EntryKind.ENTRY_KIND_FEE);
      assertThat(entry.getAmount()).isEqualTo(-500);
    });
  }

  @Test
  void anAccountObolHasNotSeenYetIsCreatedByItsPaymentAndAnEventNamingNoAccountIsIgnored() {
    String stranger = "acct-new-" + UUID.randomUUID();
    assertThat(deliver(fixture(PACK_PAID).suffixIds(suffix).account(stranger))).isEqualTo(ok("GRANTED"));
    assertThat(app.wallet().getBalance(GetBalanceRequest.newBuilder().setAccountId(stranger).build())
        .getWalletsList()).filteredOn(w -> w.getAsset() == Asset.ASSET_TOKEN)
        .singleElement().extracting(WalletBalance::getBalance).isEqualTo(500L);

    Text anonymous =
        fixture(PACK_PAID)
            .suffixIds(suffix + "n")
            .replace("\"account_id\": \"acct-123\",", "")
            .replace("\"client_reference_id\": \"acct-123\"", "\"client_reference_id\": null");
    assertThat(deliver(anonymous)).isEqualTo(ok("IGNORED"));
    assertThat(app.bean(PostgresPaymentStore.class).event(anonymous.eventId()).orElseThrow().outcome())
        .isEqualTo("IGNORED");
  }

  @Test
  void eventTypesObolDoesNotUseAreAcknowledgedAndRecordedAsIgnored() {
    Text other = event(PACK_PAID).type("checkout.session.completed", "checkout.session.expired");
    assertThat(deliver(other)).isEqualTo(ok("IGNORED"));
    assertThat(app.bean(PostgresPaymentStore.class).event(other.eventId()).orElseThrow().type())
        .isEqualTo("checkout.session.expired");
    assertThat(balanceOrZero(Asset.ASSET_TOKEN)).isZero();
  }

  // ---- signatures ------------------------------------------------------------------------------------------------

  @Test
  void badSignatureIsRefusedWith400AndNothingIsStored() {
    Text paid = event(PACK_PAID);
    long before = app.bean(PostgresPaymentStore.class).eventCount();

    String wrongSecret = StripeEvents.signature(paid.json(), "whsec_not_ours", app.clock.instant());
    assertThat(post(paid.json(), wrongSecret).status()).isEqualTo(400);
    // Signed, then tampered with: the signature covers the exact bytes.
    String signed = StripeEvents.signature(paid.json(), SECRET, app.clock.instant());
    assertThat(post(paid.json().replace("\"tokens\": \"500\"", "\"tokens\": \"5000\""), signed).status())
        .isEqualTo(400);
    assertThat(post(paid.json(), null).status()).isEqualTo(400);
    assertThat(post(paid.json(), "t=123,v1=abc").status()).isEqualTo(400);

    assertThat(app.bean(PostgresPaymentStore.class).eventCount()).isEqualTo(before);
    assertThat(app.bean(PostgresPaymentStore.class).event(paid.eventId())).isEmpty();
    assertThat(balanceOrZero(Asset.ASSET_TOKEN)).isZero();
  }

  @Test
  void staleTimestampIsRefusedWith400ButAFreshOneWithinToleranceIsAccepted() {
    Text paid = event(PACK_PAID);
    Instant now = app.clock.instant();

    assertThat(post(paid.json(), StripeEvents.signature(paid.json(), SECRET, now.minusSeconds(301))).status())
        .isEqualTo(400);
    assertThat(app.bean(PostgresPaymentStore.class).event(paid.eventId())).isEmpty();

    assertThat(post(paid.json(), StripeEvents.signature(paid.json(), SECRET, now.minusSeconds(299))))
        .isEqualTo(ok("GRANTED"));
  }

  @Test
  void eitherSecretOfARotationVerifies() {
    Text first = event(PACK_PAID);
    assertThat(post(first.json(), StripeEvents.signature(first.json(), OLD_SECRET, app.clock.instant())))
        .isEqualTo(ok("GRANTED"));
    Text second = event(ASYNC_SUCCEEDED);
    assertThat(post(second.json(), StripeEvents.signature(second.json(), SECRET, app.clock.instant())))
        .isEqualTo(ok("GRANTED"));
    assertThat(wallet(Asset.ASSET_TOKEN).getBalance()).isEqualTo(1000);
  }

  // ---- unreadable events and reprocessing -----------------------------------------------------------------------

  @Test
  void aSignedEventWithoutAnIdIsStoredUnderTheHashOfItsBytesAndItsRedeliveryIsADuplicate() throws Exception {
    Text paid = event(PACK_PAID);
    Text noId = paid.replace("\"id\": \"" + paid.eventId() + "\",", "");
    String key =
        "sha256:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
            .digest(noId.json().getBytes(java.nio.charset.StandardCharsets.UTF_8)));

    assertUnreadableAndNothingElseWritten(noId, key, "id is missing");
    assertThat(app.bean(PostgresPaymentStore.class).event(key).orElseThrow().type())
        .isEqualTo("checkout.session.completed");
    // Without an id it can never be told apart from the same event delivered with its id: it stays unreadable.
    assertThat(app.bean(PaymentEventUseCases.class).reprocess(key))
        .isEqualTo(EventOutcome.unreadable("id is missing"));
    assertThat(balanceOrZero(Asset.ASSET_TOKEN)).isZero();
  }

  @Test
  void aSignedEventWithoutATypeIsStoredAsUnreadable() {
    Text noType = event(PACK_PAID).replace("\"type\": \"checkout.session.completed\"", "\"note\": \"no type\"");
    assertUnreadableAndNothingElseWritten(noType, noType.eventId(), "type is missing");
    assertThat(app.bean(PostgresPaymentStore.class).event(noType.eventId()).orElseThrow().type())
        .isEqualTo("(unreadable)");
  }

  @Test
  void aSignedEventWithoutDataIsStoredAsUnreadable() {
    Text noData = event(PACK_PAID).replace("\"data\": {", "\"no_data\": {");
    assertUnreadableAndNothingElseWritten(noData, noData.eventId(), "data is missing");
  }

  @Test
  void aSessionWhoseMetadataIsNotAnObjectIsStoredAsUnreadable() {
    Text text =
        event(PACK_PAID)
            .replace("\"metadata\": {\n        \"kind\"", "\"metadata\": \"token_pack\", \"was\": {\n        \"kind\"");
    assertUnreadableAndNothingElseWritten(text, text.eventId(), "data.object.metadata is not an object");
  }

  @Test
  void aSessionWhoseAmountTotalIsNotANumberIsStoredAsUnreadableAndStaysSoWhenReprocessed() {
    Text text = event(PACK_PAID).replace("\"amount_total\": 3999", "\"amount_total\": \"39.99 EUR\"");
    assertUnreadableAndNothingElseWritten(text, text.eventId(), "data.object.amount_total is not a number");

    assertThat(app.bean(PaymentEventUseCases.class).reprocess(text.eventId()))
        .isEqualTo(EventOutcome.unreadable("data.object.amount_total is not a number"));
    assertThat(count("SELECT count(*) FROM accounts WHERE account_id = ?")).isZero();
  }

  @Test
  void aRefundWhoseAmountRefundedIsNotANumberIsStoredAsUnreadableAndTakesNothingBack() {
    assertThat(deliver(event(PACK_PAID))).isEqualTo(ok("GRANTED"));
    Text text = event(REFUNDED).replace("\"amount_refunded\": 3999", "\"amount_refunded\": \"all\"");
    assertUnreadableAndNothingElseWritten(text, text.eventId(), "data.object.amount_refunded is not a number");
    assertThat(wallet(Asset.ASSET_TOKEN).getBalance()).isEqualTo(500);
  }

  @Test
  void anInvoiceWhosePeriodEndIsNotANumberIsStoredAsUnreadable() {
    app.clock.set(Instant.ofEpochSecond(PERIOD_1_START + 2));
    Text text = event(INVOICE_CREATE).replace("\"end\": " + PERIOD_1_END, "\"end\": \"in a month\"");
    assertUnreadableAndNothingElseWritten(
        text, text.eventId(), "data.object.lines.data[0].period.end is not a number");
  }

  @Test
  void anEventOfAnotherApiReleaseIsStoredAsUnreadableForReprocessingAfterAnUpgrade() {
    Text foreign = event(PACK_PAID).replace("\"api_version\": \"2026-07-29.dahlia\"", "\"api_version\": \"2024-06-20\"");
    assertUnreadableAndNothingElseWritten(
        foreign, foreign.eventId(), "API version 2024-06-20 is not the release this Obol reads (2026-07-29.dahlia)");
  }

  @Test
  void aStoredUnreadableEventThatTheCurrentCodeReadsIsGrantedOnceByReprocessing() {
    // As if an older Obol could not read this event: stored UNREADABLE, nothing granted.
    Text paid = event(PACK_PAID);
    storeUnreadable(paid, "data.object.amount_total is not a number (an older rule)");
    PaymentEventUseCases events = app.bean(PaymentEventUseCases.class);

    EventOutcome first = events.reprocess(paid.eventId());
    assertThat(first.code()).isEqualTo(EventOutcome.Code.GRANTED);
    assertThat(events.reprocess(paid.eventId())).isEqualTo(first);
    assertThat(deliver(paid)).isEqualTo(ok("DUPLICATE"));

    assertThat(wallet(Asset.ASSET_TOKEN).getBalance()).isEqualTo(500);
    assertThat(wallet(Asset.ASSET_TOKEN).getGrantsList()).hasSize(1);
    assertThat(ledger()).singleElement().satisfies(entry ->
        assertThat(entry.getRequestId()).isEqualTo("stripe:" + paid.eventId()));
    StoredEvent stored = app.bean(PostgresPaymentStore.class).event(paid.eventId()).orElseThrow();
    assertThat(stored.outcome()).isEqualTo("GRANTED");
    assertThat(stored.detail()).isEqualTo(first.detail());
    assertThat(stored.accountId()).isEqualTo(account);
    assertThat(stored.payload()).isEqualTo(paid.json());
  }

  @Test
  void concurrentReprocessesAndRedeliveriesOfOneStoredEventGrantItOnce() {
    Text paid = event(PACK_PAID);
    storeUnreadable(paid, "an older rule");
    PaymentEventUseCases events = app.bean(PaymentEventUseCases.class);
    List<CompletableFuture<EventOutcome>> reprocesses = new ArrayList<>();
    List<CompletableFuture<Delivery>> deliveries = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      reprocesses.add(CompletableFuture.supplyAsync(() -> events.reprocess(paid.eventId())));
      deliveries.add(CompletableFuture.supplyAsync(() -> deliver(paid)));
    }

    assertThat(reprocesses).allSatisfy(r -> assertThat(r.join().code()).isEqualTo(EventOutcome.Code.GRANTED));
    assertThat(reprocesses.stream().map(CompletableFuture::join).distinct()).hasSize(1);
    assertThat(deliveries).allSatisfy(d -> assertThat(d.join()).isEqualTo(ok("DUPLICATE")));
    assertThat(wallet(Asset.ASSET_TOKEN).getBalance()).isEqualTo(500);
    assertThat(wallet(Asset.ASSET_TOKEN).getGrantsList()).hasSize(1);
  }

  @Test
  void aRefundIgnoredBeforeItsPurchaseArrivedClawsBackWhenReprocessed() {
    Text refund = event(REFUNDED);
    assertThat(deliver(refund)).isEqualTo(ok("IGNORED"));
    assertThat(deliver(event(PACK_PAID))).isEqualTo(ok("GRANTED"));

    EventOutcome outcome = app.bean(PaymentEventUseCases.class).reprocess(refund.eventId());

    assertThat(outcome.code()).isEqualTo(EventOutcome.Code.CLAWED_BACK);
    assertThat(balanceOrZero(Asset.ASSET_TOKEN)).isZero();
    assertThat(app.bean(PaymentEventUseCases.class).reprocess(refund.eventId())).isEqualTo(outcome);
    assertThat(ledger()).hasSize(2);
  }

  @Test
  void reprocessingAnEventObolNeverStoredIsNotFound() {
    assertThatThrownBy(() -> app.bean(PaymentEventUseCases.class).reprocess("evt_never" + suffix))
        .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.reason()).isEqualTo("EVENT_NOT_FOUND"));
  }

  // ---- subscriptions ---------------------------------------------------------------------------------------------

  @Test
  void subscriptionInvoiceBeforeItsCheckoutStartsOneQuotaPeriodWhicheverInvoiceEventsArrive() {
    app.clock.set(Instant.ofEpochSecond(PERIOD_1_START + 2));
    Text paidVariant = event(INVOICE_CREATE).type("invoice.payment_succeeded", "invoice.paid").newEventId("p");

    assertThat(deliver(paidVariant)).isEqualTo(ok("QUOTA_PERIOD_STARTED"));
    assertThat(deliver(event(SUBSCRIPTION_CHECKOUT))).isEqualTo(ok("SUBSCRIPTION_LINKED"));
    assertThat(deliver(event(INVOICE_CREATE))).isEqualTo(ok("ALREADY_GRANTED"));
    assertThat(deliver(event(INVOICE_CREATE))).isEqualTo(ok("DUPLICATE"));
    assertThat(deliver(paidVariant)).isEqualTo(ok("DUPLICATE"));

    WalletBalance tokens = wallet(Asset.ASSET_TOKEN);
    assertThat(tokens.getBalance()).isEqualTo(3000);
    assertThat(tokens.getGrantsList()).singleElement().satisfies(grant -> {
      assertThat(grant.getSource()).isEqualTo(GrantSource.GRANT_SOURCE_SUBSCRIPTION_QUOTA);
      assertThat(grant.getPriority()).isEqualTo(10);
      assertThat(grant.getExpiresAt().getSeconds()).isEqualTo(PERIOD_1_END);
      assertThat(grant.getReference()).startsWith("in_");
    });
    assertThat(ledger()).singleElement().extracting(LedgerEntry::getReason).isEqualTo("subscription_initial");
    assertThat(subscriptionRow()).containsEntry("status", "ACTIVE").containsEntry("plan", "monthly")
        .containsEntry("customer_id", "cus_rRhUOiqCItFBBE" + suffix);
    assertThat(count("SELECT count(*) FROM quota_periods WHERE account_id = ?")).isEqualTo(1);
  }

  @Test
  void renewalReplacesTheQuotaWhilePurchasedTokensStayThenPastDueAndCancellationGrantNothing() {
    app.clock.set(Instant.ofEpochSecond(PERIOD_1_START + 1800));
    assertThat(deliver(event(PACK_PAID))).isEqualTo(ok("GRANTED"));
    assertThat(deliver(event(INVOICE_CREATE))).isEqualTo(ok("QUOTA_PERIOD_STARTED"));
    assertThat(wallet(Asset.ASSET_TOKEN).getBalance()).isEqualTo(3500);

    // Quota burns first: the pack is untouched.
    debit(1000, "d1");
    assertThat(remainingBySource(GrantSource.GRANT_SOURCE_SUBSCRIPTION_QUOTA)).isEqualTo(2000);
    assertThat(remainingBySource(GrantSource.GRANT_SOURCE_PURCHASE)).isEqualTo(500);

    // The renewal invoice is paid an hour after the period boundary.
    app.clock.set(Instant.ofEpochSecond(PERIOD_1_END + 3600));
    assertThat(deliver(event(INVOICE_CYCLE))).isEqualTo(ok("QUOTA_PERIOD_STARTED"));
    assertThat(deliver(event(INVOICE_CYCLE).type("invoice.payment_succeeded", "invoice.paid").newEventId("p")))
        .isEqualTo(ok("ALREADY_GRANTED"));

    WalletBalance tokens = wallet(Asset.ASSET_TOKEN);
    assertThat(tokens.getBalance()).isEqualTo(3500);
    assertThat(remainingBySource(GrantSource.GRANT_SOURCE_SUBSCRIPTION_QUOTA)).isEqualTo(3000);
    assertThat(remainingBySource(GrantSource.GRANT_SOURCE_PURCHASE)).isEqualTo(500);
    assertThat(tokens.getGrantsList()).filteredOn(g -> g.getSource() == GrantSource.GRANT_SOURCE_SUBSCRIPTION_QUOTA)
        .singleElement().extracting(g -> g.getExpiresAt().getSeconds()).isEqualTo(PERIOD_2_END);
    List<LedgerEntry> ledger = ledger();
    assertThat(ledger.get(0).getKind()).isEqualTo(EntryKind.ENTRY_KIND_GRANT);
    assertThat(ledger.get(0).getReason()).isEqualTo("subscription_renewal");
    assertThat(ledger.get(0).getAmount()).isEqualTo(3000);
    assertThat(ledger).anySatisfy(entry -> {
      assertThat(entry.getKind()).isEqualTo(EntryKind.ENTRY_KIND_EXPIRY);
      assertThat(entry.getAmount()).isEqualTo(-2000);
      assertThat(entry.getReason()).isEqualTo("quota_replaced");
    });

    // The next renewal fails: past due, no new quota; the quota of the paid period ends with it.
    app.clock.set(Instant.ofEpochSecond(PERIOD_2_END + 3603));
    assertThat(deliver(event(INVOICE_FAILED))).isEqualTo(ok("PAST_DUE"));
    assertThat(subscriptionRow()).containsEntry("status", "PAST_DUE");
    assertThat(wallet(Asset.ASSET_TOKEN).getBalance()).isEqualTo(500);

    app.clock.set(Instant.ofEpochSecond(1792497900L + 5));
    assertThat(deliver(event(SUBSCRIPTION_DELETED))).isEqualTo(ok("SUBSCRIPTION_ENDED"));
    assertThat(subscriptionRow()).containsEntry("status", "ENDED").containsEntry("next_period_at", null);
    assertThat(wallet(Asset.ASSET_TOKEN).getBalance()).isEqualTo(500);
  }

  @Test
  void yearlyPlanGetsTwelveMonthlyPeriodsPerPaidYearFromTheInvoiceAndTheScheduler() {
    long yearEnd = Instant.ofEpochSecond(PERIOD_1_START).atOffset(ZoneOffset.UTC).plusYears(1).toEpochSecond();
    Text yearly =
        event(INVOICE_CREATE)
            .replace("\"plan\": \"monthly\"", "\"plan\": \"yearly\"")
            .replace("\"amount_paid\": 990", "\"amount_paid\": 9900")
            .linePeriod(PERIOD_1_START, PERIOD_1_END, PERIOD_1_START, yearEnd);
    PaymentEventUseCases scheduler = app.bean(PaymentEventUseCases.class);

    app.clock.set(Instant.ofEpochSecond(PERIOD_1_START + 60));
    assertThat(deliver(yearly)).isEqualTo(ok("QUOTA_PERIOD_STARTED"));
    assertThat(quotaGrant().getExpiresAt().getSeconds()).isEqualTo(month(1));
    assertThat(scheduler.issueDueQuotaPeriods()).as("nothing due before the first anniversary").isZero();

    for (int k = 1; k < 12; k++) {
      debit(100 + k, "y" + k);
      app.clock.set(Instant.ofEpochSecond(month(k) + 3600));
      int issued;
      if (k == 6) {
        // Two instances running the job at the same moment still issue the period once.
        CompletableFuture<Integer> a = CompletableFuture.supplyAsync(scheduler::issueDueQuotaPeriods);
        CompletableFuture<Integer> b = CompletableFuture.supplyAsync(scheduler::issueDueQuotaPeriods);
        issued = a.join() + b.join();
      } else {
        issued = scheduler.issueDueQuotaPeriods();
      }
      assertThat(issued).as("month %d", k).isEqualTo(1);
      assertThat(scheduler.issueDueQuotaPeriods()).as("month %d again", k).isZero();
      GrantInfo quota = quotaGrant();
      assertThat(quota.getRemaining()).isEqualTo(3000);
      assertThat(quota.getExpiresAt().getSeconds()).isEqualTo(month(k + 1));
      assertThat(wallet(Asset.ASSET_TOKEN).getBalance()).isEqualTo(3000);
    }

    // Month 13 needs the next year's invoice: the paid year is over, the scheduler has nothing to issue.
    app.clock.set(Instant.ofEpochSecond(yearEnd + 3600));
    assertThat(scheduler.issueDueQuotaPeriods()).isZero();
    assertThat(balanceOrZero(Asset.ASSET_TOKEN)).isZero();

    Text secondYear =
        event(INVOICE_CYCLE)
            .replace("\"plan\": \"monthly\"", "\"plan\": \"yearly\"")
            .linePeriod(PERIOD_1_END, PERIOD_2_END, yearEnd,
                Instant.ofEpochSecond(yearEnd).atOffset(ZoneOffset.UTC).plusYears(1).toEpochSecond());
    assertThat(deliver(secondYear)).isEqualTo(ok("QUOTA_PERIOD_STARTED"));
    assertThat(wallet(Asset.ASSET_TOKEN).getBalance()).isEqualTo(3000);

    assertThat(count("SELECT count(*) FROM quota_periods WHERE account_id = ?")).isEqualTo(13);
    List<String> grantReasons = new ArrayList<>();
    for (LedgerEntry entry : ledgerAll()) {
      if (entry.getKind() == EntryKind.ENTRY_KIND_GRANT) {
        grantReasons.add(entry.getReason());
      }
    }
    assertThat(grantReasons).hasSize(13).containsOnlyOnce("subscription_initial");
    assertThat(grantReasons).filteredOn("subscription_renewal"::equals).hasSize(12);
  }

  // ---- refunds and disputes --------------------------------------------------------------------------------------

  @Test
  void fullRefundAfterPartOfThePackWasSpentTakesBackTheRestAndRecordsTheShortfall() {
    assertThat(deliver(event(PACK_PAID))).isEqualTo(ok("GRANTED"));
    debit(200, "spent");

    assertThat(deliver(event(REFUNDED))).isEqualTo(ok("CLAWED_BACK"));

    assertThat(wallet(Asset.ASSET_TOKEN).getBalance()).isZero();
    assertThat(ledger().get(0)).satisfies(entry -> {
      assertThat(entry.getKind()).isEqualTo(EntryKind.ENTRY_KIND_CLAWBACK);
      assertThat(entry.getAmount()).isEqualTo(-300);
      assertThat(entry.getReason()).startsWith("refund:ch_");
    });
    assertThat(paymentRow()).containsEntry("reversed_amount", "3999").containsEntry("clawed_back", "300")
        .containsEntry("shortfall", "200");
    assertThat(deliver(event(REFUNDED).newEventId("again"))).isEqualTo(ok("NOTHING_TO_CLAW_BACK"));
  }

  @Test
  void partialRefundTakesBackAProportionRoundedDownAndALaterFullRefundWithoutMetadataTheRest() {
    assertThat(deliver(event(PACK_PAID))).isEqualTo(ok("GRANTED"));
    debit(100, "spent");

    // 2000 of 3999 cents: floor(500 * 2000 / 3999) = 250 tokens.
    Text partial =
        event(REFUNDED)
            .replace("\"amount_refunded\": 3999", "\"amount_refunded\": 2000")
            .replace("\"refunded\": true", "\"refunded\": false");
    assertThat(deliver(partial)).isEqualTo(ok("CLAWED_BACK"));
    assertThat(wallet(Asset.ASSET_TOKEN).getBalance()).isEqualTo(150);

    debit(50, "spent-more");
    // The rest refunded; this charge carries no metadata: the payment intent finds the account.
    Text rest =
        event(REFUNDED)
            .newEventId("full")
            .replace(
                "\"metadata\": {\n        \"kind\": \"token_pack\",\n        \"account_id\": \"" + account
                    + "\",\n        \"pack\": \"standard\",\n        \"tokens\": \"500\"\n      }",
                "\"metadata\": {}");
    assertThat(deliver(rest)).isEqualTo(ok("CLAWED_BACK"));

    assertThat(wallet(Asset.ASSET_TOKEN).getBalance()).isZero();
    // Targets: 250, then 500 in all; taken 250 + 100; 150 of it had been spent.
    assertThat(paymentRow()).containsEntry("clawed_back", "350").containsEntry("shortfall", "150");
  }

  @Test
  void disputeClawsBackThroughThePaymentIntent() {
    assertThat(deliver(event(PACK_PAID))).isEqualTo(ok("GRANTED"));
    assertThat(deliver(fixture(DISPUTED).suffixIds(suffix))).isEqualTo(ok("CLAWED_BACK"));
    assertThat(wallet(Asset.ASSET_TOKEN).getBalance()).isZero();
    assertThat(ledger().get(0).getReason()).startsWith("dispute:dp_");
  }

  @Test
  void aWonDisputeGivesBackWhatItTookAndALostOneChangesNothing() {
    assertThat(deliver(event(PACK_PAID))).isEqualTo(ok("GRANTED"));
    debit(100, "spent");
    assertThat(deliver(fixture(DISPUTED).suffixIds(suffix))).isEqualTo(ok("CLAWED_BACK"));
    assertThat(wallet(Asset.ASSET_TOKEN).getBalance()).isZero();
    assertThat(paymentRow()).containsEntry("clawed_back", "400").containsEntry("shortfall", "100");

    Text lost = fixture(DISPUTE_CLOSED).suffixIds(suffix).replace("\"status\": \"won\"", "\"status\": \"lost\"");
    assertThat(deliver(lost)).isEqualTo(ok("IGNORED"));
    assertThat(wallet(Asset.ASSET_TOKEN).getBalance()).isZero();

    assertThat(deliver(fixture(DISPUTE_CLOSED).suffixIds(suffix).newEventId("won"))).isEqualTo(ok("RESTORED"));
    assertThat(wallet(Asset.ASSET_TOKEN).getBalance()).isEqualTo(400);
    assertThat(ledger().get(0)).satisfies(entry -> {
      assertThat(entry.getKind()).isEqualTo(EntryKind.ENTRY_KIND_REVERSAL);
      assertThat(entry.getAmount()).isEqualTo(400);
      assertThat(entry.getReason()).startsWith("dispute_won:dp_");
    });
    assertThat(paymentRow())
        .containsEntry("reversed_amount", "0")
        .containsEntry("clawed_back", "0")
        .containsEntry("shortfall", "0");
    // The same outcome delivered again under another event id gives nothing more.
    assertThat(deliver(fixture(DISPUTE_CLOSED).suffixIds(suffix).newEventId("again")))
        .isEqualTo(ok("NOTHING_TO_RESTORE"));
    assertThat(wallet(Asset.ASSET_TOKEN).getBalance()).isEqualTo(400);
  }

  @Test
  void refundOfAPaymentObolNeverGrantedIsIgnored() {
    Text unknown = event(REFUNDED).replace("\"account_id\": \"" + account + "\",", "");
    assertThat(deliver(unknown)).isEqualTo(ok("IGNORED"));
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  private Text event(String name) {
    return fixture(name).suffixIds(suffix).account(account);
  }

  private static Delivery ok(String body) {
    return new Delivery(200, body);
  }

  private Delivery deliver(Text event) {
    return post(event.json(), StripeEvents.signature(event.json(), SECRET, app.clock.instant()));
  }

  private Delivery post(String payload, String signature) {
    return StripeEvents.post(app.httpPort(), payload, signature);
  }

  private static long month(int k) {
    return Instant.ofEpochSecond(PERIOD_1_START).atOffset(ZoneOffset.UTC).plusMonths(k).toEpochSecond();
  }

  private void debit(long amount, String requestId) {
    assertThat(
            app.wallet()
                .checkAndDebit(
                    CheckAndDebitRequest.newBuilder()
                        .setAccountId(account)
                        .setAsset(Asset.ASSET_TOKEN)
                        .setAmount(amount)
                        .setRequestId(requestId)
                        .build())
                .getAllowed())
        .isTrue();
  }

  private WalletBalance wallet(Asset asset) {
    return app.wallet()
        .getBalance(GetBalanceRequest.newBuilder().setAccountId(account).setAsset(asset).build())
        .getWallets(0);
  }

  private long balanceOrZero(Asset asset) {
    Integer exists = count("SELECT count(*) FROM accounts WHERE account_id = ?");
    return exists == 0 ? 0 : wallet(asset).getBalance();
  }

  private long remainingBySource(GrantSource source) {
    return wallet(Asset.ASSET_TOKEN).getGrantsList().stream()
        .filter(g -> g.getSource() == source)
        .mapToLong(GrantInfo::getRemaining)
        .sum();
  }

  private GrantInfo quotaGrant() {
    List<GrantInfo> quota =
        wallet(Asset.ASSET_TOKEN).getGrantsList().stream()
            .filter(g -> g.getSource() == GrantSource.GRANT_SOURCE_SUBSCRIPTION_QUOTA)
            .toList();
    assertThat(quota).hasSize(1);
    return quota.get(0);
  }

  /** Newest first, first page. */
  private List<LedgerEntry> ledger() {
    return app.wallet()
        .listLedgerEntries(ListLedgerEntriesRequest.newBuilder().setAccountId(account).setPageSize(100).build())
        .getEntriesList();
  }

  private List<LedgerEntry> ledgerAll() {
    List<LedgerEntry> all = new ArrayList<>();
    String token = "";
    do {
      var page =
          app.wallet()
              .listLedgerEntries(
                  ListLedgerEntriesRequest.newBuilder()
                      .setAccountId(account)
                      .setPageSize(100)
                      .setPageToken(token)
                      .build());
      all.addAll(page.getEntriesList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  private GetStandingResponse standing() {
    return app.accounts().getStanding(GetStandingRequest.newBuilder().setAccountId(account).build());
  }

  private Map<String, String> subscriptionRow() {
    return row("SELECT * FROM subscriptions WHERE account_id = ?");
  }

  private Map<String, String> paymentRow() {
    return row("SELECT * FROM payments WHERE account_id = ? AND kind = 'TOKEN_PACK'");
  }

  private Map<String, String> row(String sql) {
    try (Connection connection = app.bean(HikariDataSource.class).getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, account);
      try (ResultSet rows = statement.executeQuery()) {
        assertThat(rows.next()).as("a row for %s", sql).isTrue();
        Map<String, String> row = new java.util.HashMap<>();
        for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
          row.put(rows.getMetaData().getColumnName(i), rows.getString(i));
        }
        assertThat(rows.next()).as("only one row for %s", sql).isFalse();
        return row;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Delivers a signed event that cannot be read: answered 200 UNREADABLE, stored with its raw payload and why, nothing
   * else written anywhere; a redelivery (new signature, same bytes) is a duplicate.
   */
  private void assertUnreadableAndNothingElseWritten(Text text, String storedId, String why) {
    Map<String, Long> before = tableCounts();

    assertThat(deliver(text)).isEqualTo(ok("UNREADABLE"));

    StoredEvent stored = app.bean(PostgresPaymentStore.class).event(storedId).orElseThrow();
    assertThat(stored.outcome()).isEqualTo("UNREADABLE");
    assertThat(stored.detail()).isEqualTo(why);
    assertThat(stored.payload()).isEqualTo(text.json());
    assertThat(stored.accountId()).isNull();
    long eventsBefore = before.remove("stripe_events");
    Map<String, Long> after = tableCounts();
    assertThat(after.remove("stripe_events")).isEqualTo(eventsBefore + 1);
    assertThat(after).as("nothing but the event is written").isEqualTo(before);

    app.clock.advance(java.time.Duration.ofSeconds(60));
    assertThat(deliver(text)).isEqualTo(ok("DUPLICATE"));
    assertThat(tableCounts().get("stripe_events")).isEqualTo(eventsBefore + 1);
  }

  private Map<String, Long> tableCounts() {
    Map<String, Long> counts = new java.util.TreeMap<>();
    try (Connection connection = app.bean(HikariDataSource.class).getConnection()) {
      for (String table :
          List.of("stripe_events", "accounts", "grants", "ledger_entries", "request_log", "payments",
              "subscriptions", "quota_periods", "outbox")) {
        try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM " + table);
            ResultSet rows = statement.executeQuery()) {
          rows.next();
          counts.put(table, rows.getLong(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return counts;
  }

  /** Stores the event as an older Obol would have when it could not read it. */
  private void storeUnreadable(Text text, String why) {
    try (Connection connection = app.bean(HikariDataSource.class).getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "INSERT INTO stripe_events (event_id, type, account_id, payload, outcome, detail, created_at,"
                    + " received_at) VALUES (?, 'checkout.session.completed', NULL, ?, 'UNREADABLE', ?, now(), now())")) {
      statement.setString(1, text.eventId());
      statement.setString(2, text.json());
      statement.setString(3, why);
      statement.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private Integer count(String sql) {
    try (Connection connection = app.bean(HikariDataSource.class).getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, account);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
