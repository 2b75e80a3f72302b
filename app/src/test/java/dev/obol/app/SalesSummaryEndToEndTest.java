package dev.obol.app;

import static dev.obol.app.testing.GrpcAssertions.assertError;
import static dev.obol.app.testing.GrpcAssertions.assertInvalidField;
import static dev.obol.app.testing.StripeEvents.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.google.protobuf.Timestamp;
import dev.obol.app.testing.ObolTestProperties;
import dev.obol.app.testing.ObolUnderTest;
import dev.obol.app.testing.StripeEvents;
import dev.obol.app.testing.StripeEvents.Delivery;
import dev.obol.app.testing.StripeEvents.Text;
import dev.obol.domain.port.LedgerAudit;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.persistence.PostgresSalesReader;
import dev.obol.proto.v1.AccountServiceGrpc;
import dev.obol.proto.v1.AdminServiceGrpc;
import dev.obol.proto.v1.CheckAndDebitRequest;
import dev.obol.proto.v1.CreateApiKeyRequest;
import dev.obol.proto.v1.FeatureSales;
import dev.obol.proto.v1.GetSalesSummaryRequest;
import dev.obol.proto.v1.GetSalesSummaryRequest.GroupBy;
import dev.obol.proto.v1.GetSalesSummaryResponse;
import dev.obol.proto.v1.KindRevenue;
import dev.obol.proto.v1.PackSales;
import dev.obol.proto.v1.PaymentKind;
import dev.obol.proto.v1.SalesPeriod;
import io.grpc.Status;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * AccountService.GetSalesSummary end to end, on a database of its own: purchases, a subscription and its renewal, a
 * refund and a dispute all arrive as signed Stripe events through the webhook; debits over gRPC.
 *
 * <p>August: a subscription starts (990) and a standard pack is bought (3999) by teacher-a. September: the
 * subscription renews (990); teacher-b tops up 2500 and buys a basic pack (999). October: the standard pack is refunded
 * 1000 and the top-up disputed (2500). Debits: image ×2 and audio in August, image in September.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SalesSummaryEndToEndTest implements ObolTestProperties {

  private static final String SECRET = "whsec_sales_test_secret";
  private static final long PERIOD_1_START = 1786017600L; // 2026-08-06T12:00Z, the fixtures' first period
  private static final long PERIOD_1_END = 1788696000L;

  @Inject ObolUnderTest app;

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant =
      LedgerInvariantExtension.over(() -> app.bean(LedgerAudit.class), () -> app.clock.instant());

  private AccountServiceGrpc.AccountServiceBlockingStub accounts;

  @Override
  public Map<String, Object> settings() {
    return Map.of("obol.stripe.webhook-secrets", SECRET, "obol.demo.seed", false);
  }

  @BeforeAll
  void sales() {
    accounts = app.accounts();
    app.clock.set(Instant.ofEpochSecond(PERIOD_1_START + 1800));
    assertThat(deliver(event("invoice.payment_succeeded.subscription_create.json", "teacher-a", "s1")).body())
        .isEqualTo("QUOTA_PERIOD_STARTED");
    assertThat(deliver(event("checkout.session.completed.payment.json", "teacher-a", "s2")).body()).isEqualTo("GRANTED");
    debit("teacher-a", "image", "a1");
    debit("teacher-a", "image", "a2");
    debit("teacher-a", "audio", "a3");

    app.clock.set(Instant.ofEpochSecond(PERIOD_1_END + 3600));
    assertThat(deliver(event("invoice.payment_succeeded.subscription_cycle.json", "teacher-a", "s1")).body())
        .isEqualTo("QUOTA_PERIOD_STARTED");
    Text topUp =
        event("checkout.session.completed.payment.json", "teacher-b", "s3")
            .replace("\"kind\": \"token_pack\"", "\"kind\": \"top_up\"")
            .replace("\"amount_total\": 3999", "\"amount_total\": 2500");
    assertThat(deliver(topUp).body()).isEqualTo("GRANTED");
    Text basic =
        event("checkout.session.completed.payment.json", "teacher-b", "s4")
            .replace("\"pack\": \"standard\"", "\"pack\": \"basic\"")
            .replace("\"tokens\": \"500\"", "\"tokens\": \"100\"")
            .replace("\"amount_total\": 3999", "\"amount_total\": 999");
    assertThat(deliver(basic).body()).isEqualTo("GRANTED");
    debit("teacher-b", "image", "b1");

    app.clock.set(Instant.parse("2026-10-02T10:00:00Z"));
    Text refund =
        event("charge.refunded.json", "teacher-a", "s2").replace("\"amount_refunded\": 3999", "\"amount_refunded\": 1000");
    assertThat(deliver(refund).body()).isEqualTo("CLAWED_BACK");
    Text dispute =
        fixture("charge.dispute.created.json").suffixIds("s3")
            .replace("\"amount\": 3999", "\"amount\": 2500");
    assertThat(deliver(dispute).body()).isEqualTo("CLAWED_BACK");
  }

  @Test
  void byMonthEveryFigureOfEveryPeriodAndTheWindowAsAWhole() {
    GetSalesSummaryResponse summary = accounts.getSalesSummary(request(GroupBy.GROUP_BY_MONTH));

    assertThat(summary.getPeriodsList()).extracting(SalesPeriod::getKey).containsExactly("2026-08", "2026-09", "2026-10");
    SalesPeriod august = summary.getPeriods(0);
    assertThat(august.getPacksList()).extracting(PackSales::getPack, PackSales::getCount, PackSales::getRevenueAmount)
        .containsExactly(tuple("standard", 1L, 3999L));
    assertThat(august.getNewSubscriptions()).isEqualTo(1);
    assertThat(august.getRenewedSubscriptions()).isZero();
    assertThat(august.getRevenueList()).extracting(KindRevenue::getKind, KindRevenue::getAmount)
        .containsExactly(
            tuple(PaymentKind.PAYMENT_KIND_TOKEN_PACK, 3999L), tuple(PaymentKind.PAYMENT_KIND_SUBSCRIPTION, 990L));
    assertThat(august.getRevenueAmount()).isEqualTo(4989);
    assertThat(august.getPaymentCount()).isEqualTo(2);
    assertThat(august.getAverageBasketAmount()).isEqualTo(2494);
    assertThat(august.getActiveSubscribers()).isEqualTo(1);
    assertThat(august.getPayingAccounts()).isEqualTo(1);
    assertThat(august.getTopFeaturesList()).extracting(FeatureSales::getFeature, FeatureSales::getDebitCount, FeatureSales::getDebited)
        .containsExactly(tuple("image", 2L, 100L), tuple("audio", 1L, 25L));

    SalesPeriod september = summary.getPeriods(1);
    assertThat(september.getRenewedSubscriptions()).isEqualTo(1);
    assertThat(september.getTopUpCount()).isEqualTo(1);
    assertThat(september.getPacksList()).extracting(PackSales::getPack).containsExactly("basic");
    assertThat(september.getRevenueAmount()).isEqualTo(990 + 2500 + 999);
    assertThat(september.getPayingAccounts()).isEqualTo(2);
    assertThat(september.getActiveSubscribers()).isEqualTo(1);

    SalesPeriod october = summary.getPeriods(2);
    assertThat(october.getRevenueAmount()).isZero();
    assertThat(october.getRefundCount()).isEqualTo(1);
    assertThat(october.getRefundedAmount()).isEqualTo(1000);
    assertThat(october.getDisputeCount()).isEqualTo(1);
    assertThat(october.getDisputedAmount()).isEqualTo(2500);
    assertThat(october.getActiveSubscribers()).isEqualTo(1); // the renewed period runs to 6 October

    SalesPeriod totals = summary.getTotals();
    assertThat(totals.getKey()).isEmpty();
    assertThat(totals.getRevenueAmount()).isEqualTo(4989 + 4489);
    assertThat(totals.getPayingAccounts()).isEqualTo(2); // distinct over the window, not 1 + 2
    assertThat(totals.getActiveSubscribers()).isEqualTo(1);
    assertThat(totals.getNewSubscriptions()).isEqualTo(1);
    assertThat(totals.getRenewedSubscriptions()).isEqualTo(1);
    assertThat(totals.getTopFeatures(0).getDebited()).isEqualTo(150);
  }

  @Test
  void theRollupOfFinishedDaysAnswersExactlyWhatTheDebitsDo() {
    GetSalesSummaryResponse byMonth = accounts.getSalesSummary(request(GroupBy.GROUP_BY_MONTH));
    GetSalesSummaryResponse byDay = accounts.getSalesSummary(request(GroupBy.GROUP_BY_DAY));
    PostgresSalesReader reader = app.bean(PostgresSalesReader.class);

    // On 2026-09-06 at 13:30 only August 6 (and the days before it) are over: one debit day rolled, the rest live.
    assertThat(reader.rollUp(Instant.parse("2026-09-06T13:30:00Z"))).isPositive();
    assertThat(accounts.getSalesSummary(request(GroupBy.GROUP_BY_MONTH))).isEqualTo(byMonth);
    // Then every day up to November: rolled again idempotently, everything from the rollup.
    assertThat(reader.rollUp(Instant.parse("2026-12-01T00:00:00Z"))).isPositive();
    assertThat(reader.rollUp(Instant.parse("2026-12-01T00:00:00Z"))).isEqualTo(2);
    assertThat(accounts.getSalesSummary(request(GroupBy.GROUP_BY_MONTH))).isEqualTo(byMonth);
    assertThat(accounts.getSalesSummary(request(GroupBy.GROUP_BY_DAY))).isEqualTo(byDay);
    // A window starting mid-day reads that day's part from the debits, not the whole rolled day.
    GetSalesSummaryResponse partial =
        accounts.getSalesSummary(
            request(GroupBy.GROUP_BY_MONTH).toBuilder()
                .setFrom(ts(Instant.ofEpochSecond(PERIOD_1_START + 1800 + 1)))
                .build());
    assertThat(partial.getTotals().getTopFeaturesList()).extracting(FeatureSales::getDebited).containsExactly(50L);
  }

  @Test
  void byDayTheKeysAreDays() {
    assertThat(accounts.getSalesSummary(request(GroupBy.GROUP_BY_DAY)).getPeriodsList())
        .extracting(SalesPeriod::getKey)
        .containsExactly("2026-08-06", "2026-09-06", "2026-10-02");
  }

  @Test
  void badInputAndAKeyWithoutAccountOperateAreRefused() {
    assertInvalidField(
        "group_by", "MISSING_FIELD", () -> accounts.getSalesSummary(request(GroupBy.GROUP_BY_UNSPECIFIED)));
    assertInvalidField(
        "to",
        "TIME_RANGE_TOO_LONG",
        () ->
            accounts.getSalesSummary(
                request(GroupBy.GROUP_BY_MONTH).toBuilder().setTo(ts(Instant.parse("2027-08-03T00:00:00Z"))).build()));
    assertInvalidField(
        "from",
        "MISSING_FIELD",
        () -> accounts.getSalesSummary(request(GroupBy.GROUP_BY_MONTH).toBuilder().clearFrom().build()));
    String readOnly =
        AdminServiceGrpc.newBlockingStub(app.channel())
            .createApiKey(
                CreateApiKeyRequest.newBuilder()
                    .setName("reader")
                    .addScopes("account:read")
                    .setRequestId("key-reader")
                    .build())
            .getSecret();
    assertError(
        Status.Code.PERMISSION_DENIED,
        "SCOPE_MISSING",
        () -> AccountServiceGrpc.newBlockingStub(app.withKey(readOnly)).getSalesSummary(request(GroupBy.GROUP_BY_MONTH)));
  }

  private static GetSalesSummaryRequest request(GroupBy groupBy) {
    return GetSalesSummaryRequest.newBuilder()
        .setFrom(ts(Instant.parse("2026-08-01T00:00:00Z")))
        .setTo(ts(Instant.parse("2027-01-01T00:00:00Z")))
        .setGroupBy(groupBy)
        .build();
  }

  private static Timestamp ts(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).build();
  }

  private void debit(String account, String feature, String requestId) {
    assertThat(
            app.wallet()
                .checkAndDebit(
                    CheckAndDebitRequest.newBuilder()
                        .setAccountId(account)
                        .setFeature(feature)
                        .setRequestId(requestId)
                        .build())
                .getAllowed())
        .isTrue();
  }

  private static Text event(String name, String account, String suffix) {
    return fixture(name).suffixIds(suffix).account(account);
  }

  private Delivery deliver(Text event) {
    Delivery delivery =
        StripeEvents.post(app.httpPort(), event.json(), StripeEvents.signature(event.json(), SECRET, app.clock.instant()));
    assertThat(delivery.status()).as(delivery.body()).isEqualTo(200);
    return delivery;
  }
}
