package dev.obol.app;

import static dev.obol.app.testing.GrpcAssertions.assertError;
import static dev.obol.app.testing.GrpcAssertions.assertInvalidField;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.google.protobuf.Timestamp;
import dev.obol.app.testing.ObolTestProperties;
import dev.obol.app.testing.ObolUnderTest;
import dev.obol.domain.port.LedgerAudit;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.proto.v1.AdminServiceGrpc;
import dev.obol.proto.v1.Asset;
import dev.obol.proto.v1.CheckAndDebitRequest;
import dev.obol.proto.v1.CreateApiKeyRequest;
import dev.obol.proto.v1.GetUsageSummaryRequest;
import dev.obol.proto.v1.GetUsageSummaryRequest.GroupBy;
import dev.obol.proto.v1.GetUsageSummaryResponse;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantSource;
import dev.obol.proto.v1.GrantedAmount;
import dev.obol.proto.v1.ReverseDebitRequest;
import dev.obol.proto.v1.UsageRow;
import dev.obol.proto.v1.UsageTotals;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.Status;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * WalletService.GetUsageSummary end to end: real gRPC, real app, real PostgreSQL. One account's history, written once
 * on the test clock across two days and two months, read back with every grouping.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsageSummaryEndToEndTest implements ObolTestProperties {

  private static final String ACCOUNT = "usage-alice";
  private static final String OTHER = "usage-bob";
  private static final Instant FROM = Instant.parse("2026-11-30T00:00:00Z");
  private static final Instant TO = Instant.parse("2026-12-03T00:00:00Z");

  @Inject ObolUnderTest app;

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant =
      LedgerInvariantExtension.over(() -> app.bean(LedgerAudit.class), () -> app.clock.instant());

  private WalletServiceGrpc.WalletServiceBlockingStub wallet;

  /**
   * PURCHASE 200 (priority 50, burns first) and PROMO 300 (expiring 2026-12-02); image costs 50, audio 25, ai.generate.hd
   * 10.
   */
  @BeforeAll
  void history() {
    wallet = app.wallet();
    at("2026-11-30T10:00:00Z");
    wallet.grant(grant(ACCOUNT, GrantSource.GRANT_SOURCE_PURCHASE, 200, 50, null, "g-purchase"));
    wallet.grant(
        grant(ACCOUNT, GrantSource.GRANT_SOURCE_PROMO, 300, 100, Instant.parse("2026-12-02T00:00:00Z"), "g-promo"));
    at("2026-11-30T12:00:00Z");
    debit("image", 1, "d1"); // PURCHASE 150
    at("2026-11-30T23:59:59Z");
    debit("audio", 2, "d2"); // PURCHASE 100
    at("2026-12-01T00:00:00Z");
    String d3 = debit("image", 1, "d3"); // PURCHASE 50: a new day and a new month
    at("2026-12-01T09:00:00Z");
    debit("image", 2, "d4"); // 100: PURCHASE 50 and PROMO 50, two entries of one debit
    at("2026-12-02T10:00:00Z");
    // The write sweeps PROMO's 250 (expired at midnight) first, then gives 20 of d3 back to PURCHASE.
    assertThat(
            wallet
                .reverseDebit(
                    ReverseDebitRequest.newBuilder()
                        .setAccountId(ACCOUNT)
                        .setDebitId(d3)
                        .setAmount(20)
                        .setRequestId("r1")
                        .build())
                .getBalance())
        .isEqualTo(20);
    at("2026-12-03T00:00:00Z");
    debit("ai.generate.hd", 1, "d5"); // at `to` exactly: outside [from, to)
    wallet.grant(grant(OTHER, GrantSource.GRANT_SOURCE_TOP_UP, 999, 100, null, "g-bob"));
    debitOf(OTHER, "image", "b1");
  }

  @Test
  void byFeature() {
    GetUsageSummaryResponse summary = usage(ACCOUNT, FROM, TO, GroupBy.GROUP_BY_FEATURE);
    assertThat(rows(summary)).containsExactly(tuple("audio", 1L, 50L, 0L), tuple("image", 3L, 200L, 20L));
    assertTotals(summary.getTotals());
  }

  @Test
  void byDay() {
    GetUsageSummaryResponse summary = usage(ACCOUNT, FROM, TO, GroupBy.GROUP_BY_DAY);
    assertThat(rows(summary))
        .containsExactly(
            tuple("2026-11-30", 2L, 100L, 0L), tuple("2026-12-01", 2L, 150L, 0L), tuple("2026-12-02", 0L, 0L, 20L));
    assertTotals(summary.getTotals());
  }

  @Test
  void byMonth() {
    GetUsageSummaryResponse summary = usage(ACCOUNT, FROM, TO, GroupBy.GROUP_BY_MONTH);
    assertThat(rows(summary)).containsExactly(tuple("2026-11", 2L, 100L, 0L), tuple("2026-12", 2L, 150L, 20L));
    assertTotals(summary.getTotals());
  }

  @Test
  void theWindowIsHalfOpen() {
    // From midnight of December 1st: d3 (at 00:00:00 exactly) is in, d2 (one second earlier) and the grants are out.
    GetUsageSummaryResponse december =
        usage(ACCOUNT, Instant.parse("2026-12-01T00:00:00Z"), TO, GroupBy.GROUP_BY_MONTH);
    assertThat(rows(december)).containsExactly(tuple("2026-12", 2L, 150L, 20L));
    assertThat(december.getTotals().getGrantedList()).isEmpty();
    assertThat(december.getTotals().getDebited()).isEqualTo(150);
    assertThat(december.getTotals().getExpired()).isEqualTo(250);
    // One microsecond past `to`: d5 is in.
    GetUsageSummaryResponse withD5 =
        usage(ACCOUNT, FROM, TO.plusNanos(1_000), GroupBy.GROUP_BY_FEATURE);
    assertThat(rows(withD5))
        .containsExactly(
            tuple("ai.generate.hd", 1L, 10L, 0L), tuple("audio", 1L, 50L, 0L), tuple("image", 3L, 200L, 20L));
    assertThat(withD5.getTotals().getDebited()).isEqualTo(260);
  }

  @Test
  void anotherAssetOrAnEmptyWindowIsAllZero() {
    GetUsageSummaryResponse eur =
        wallet.getUsageSummary(request(ACCOUNT, FROM, TO, GroupBy.GROUP_BY_DAY).setAsset(Asset.ASSET_EUR).build());
    assertThat(eur.getRowsList()).isEmpty();
    assertThat(eur.getTotals()).isEqualTo(UsageTotals.getDefaultInstance());
    GetUsageSummaryResponse before =
        usage(ACCOUNT, Instant.parse("2026-01-01T00:00:00Z"), FROM, GroupBy.GROUP_BY_FEATURE);
    assertThat(before.getRowsList()).isEmpty();
    assertThat(before.getTotals()).isEqualTo(UsageTotals.getDefaultInstance());
  }

  @Test
  void anUnknownAccountIsNotFoundAsForGetBalance() {
    assertError(
        Status.Code.NOT_FOUND,
        "ACCOUNT_NOT_FOUND",
        () -> usage("usage-nobody", FROM, TO, GroupBy.GROUP_BY_FEATURE));
  }

  @Test
  void anAccountBoundKeyReadsItsOwnAccountOnly() {
    String secret =
        AdminServiceGrpc.newBlockingStub(app.channel())
            .createApiKey(
                CreateApiKeyRequest.newBuilder()
                    .setName("bob-portal")
                    .addScopes("wallet:read")
                    .setAccountId(OTHER)
                    .setRequestId("key-bob")
                    .build())
            .getSecret();
    WalletServiceGrpc.WalletServiceBlockingStub asBob = WalletServiceGrpc.newBlockingStub(app.withKey(secret));
    assertThat(rows(asBob.getUsageSummary(request(OTHER, FROM, TO.plusSeconds(1), GroupBy.GROUP_BY_FEATURE).build())))
        .containsExactly(tuple("image", 1L, 50L, 0L));
    assertError(
        Status.Code.PERMISSION_DENIED,
        "ACCOUNT_NOT_ALLOWED",
        () -> asBob.getUsageSummary(request(ACCOUNT, FROM, TO, GroupBy.GROUP_BY_FEATURE).build()));
  }

  @Test
  void aKeyWithoutWalletReadIsRefused() {
    String secret =
        AdminServiceGrpc.newBlockingStub(app.channel())
            .createApiKey(
                CreateApiKeyRequest.newBuilder()
                    .setName("debit-only")
                    .addScopes("wallet:debit")
                    .setRequestId("key-debit-only")
                    .build())
            .getSecret();
    assertError(
        Status.Code.PERMISSION_DENIED,
        "SCOPE_MISSING",
        () ->
            WalletServiceGrpc.newBlockingStub(app.withKey(secret))
                .getUsageSummary(request(ACCOUNT, FROM, TO, GroupBy.GROUP_BY_FEATURE).build()));
  }

  @Test
  void badInputIsInvalidArgumentNamingTheField() {
    assertInvalidField(
        "from",
        "MISSING_FIELD",
        () -> wallet.getUsageSummary(request(ACCOUNT, FROM, TO, GroupBy.GROUP_BY_DAY).clearFrom().build()));
    assertInvalidField(
        "to",
        "MISSING_FIELD",
        () -> wallet.getUsageSummary(request(ACCOUNT, FROM, TO, GroupBy.GROUP_BY_DAY).clearTo().build()));
    assertInvalidField("to", "INVALID_TIME_RANGE", () -> usage(ACCOUNT, TO, TO, GroupBy.GROUP_BY_DAY));
    assertInvalidField("to", "INVALID_TIME_RANGE", () -> usage(ACCOUNT, TO, FROM, GroupBy.GROUP_BY_DAY));
    assertInvalidField(
        "to",
        "TIME_RANGE_TOO_LONG",
        () -> usage(ACCOUNT, FROM, FROM.plusSeconds(366L * 86_400 + 1), GroupBy.GROUP_BY_DAY));
    assertThat(usage(ACCOUNT, FROM, FROM.plusSeconds(366L * 86_400), GroupBy.GROUP_BY_DAY).getRowsCount())
        .isEqualTo(4);
    assertInvalidField("group_by", "MISSING_FIELD", () -> usage(ACCOUNT, FROM, TO, GroupBy.GROUP_BY_UNSPECIFIED));
    assertInvalidField(
        "group_by",
        "UNKNOWN_ENUM_VALUE",
        () -> wallet.getUsageSummary(request(ACCOUNT, FROM, TO, GroupBy.GROUP_BY_DAY).setGroupByValue(9).build()));
    assertInvalidField(
        "asset",
        "MISSING_FIELD",
        () ->
            wallet.getUsageSummary(
                request(ACCOUNT, FROM, TO, GroupBy.GROUP_BY_DAY).setAsset(Asset.ASSET_UNSPECIFIED).build()));
    assertInvalidField(
        "from",
        "INVALID_TIMESTAMP",
        () ->
            wallet.getUsageSummary(
                request(ACCOUNT, FROM, TO, GroupBy.GROUP_BY_DAY)
                    .setFrom(Timestamp.newBuilder().setSeconds(0).setNanos(-1))
                    .build()));
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  private static void assertTotals(UsageTotals totals) {
    assertThat(totals.getGrantedList())
        .extracting(GrantedAmount::getSource, GrantedAmount::getAmount)
        .containsExactly(
            tuple(GrantSource.GRANT_SOURCE_PURCHASE, 200L), tuple(GrantSource.GRANT_SOURCE_PROMO, 300L));
    assertThat(totals.getDebited()).isEqualTo(250);
    assertThat(totals.getReversed()).isEqualTo(20);
    assertThat(totals.getExpired()).isEqualTo(250);
    assertThat(totals.getClawedBack()).isZero();
    assertThat(totals.getHeld()).isZero();
    assertThat(totals.getFees()).isZero();
  }

  private static List<org.assertj.core.groups.Tuple> rows(GetUsageSummaryResponse summary) {
    return summary.getRowsList().stream()
        .map(r -> tuple(r.getKey(), r.getDebitCount(), r.getDebited(), r.getReversed()))
        .toList();
  }

  private GetUsageSummaryResponse usage(String account, Instant from, Instant to, GroupBy groupBy) {
    return wallet.getUsageSummary(request(account, from, to, groupBy).build());
  }

  private static GetUsageSummaryRequest.Builder request(String account, Instant from, Instant to, GroupBy groupBy) {
    return GetUsageSummaryRequest.newBuilder()
        .setAccountId(account)
        .setAsset(Asset.ASSET_TOKEN)
        .setFrom(timestamp(from))
        .setTo(timestamp(to))
        .setGroupBy(groupBy);
  }

  private String debit(String feature, long quantity, String requestId) {
    var response =
        wallet.checkAndDebit(
            CheckAndDebitRequest.newBuilder()
                .setAccountId(ACCOUNT)
                .setFeature(feature)
                .setQuantity(quantity)
                .setRequestId(requestId)
                .build());
    assertThat(response.getAllowed()).as(requestId).isTrue();
    return response.getDebitId();
  }

  private void debitOf(String account, String feature, String requestId) {
    assertThat(
            wallet
                .checkAndDebit(
                    CheckAndDebitRequest.newBuilder()
                        .setAccountId(account)
                        .setFeature(feature)
                        .setRequestId(requestId)
                        .build())
                .getAllowed())
        .isTrue();
  }

  private static GrantRequest grant(
      String account, GrantSource source, long amount, int priority, Instant expiresAt, String requestId) {
    GrantRequest.Builder grant =
        GrantRequest.newBuilder()
            .setAccountId(account)
            .setAsset(Asset.ASSET_TOKEN)
            .setAmount(amount)
            .setSource(source)
            .setPriority(priority)
            .setRequestId(requestId);
    if (expiresAt != null) {
      grant.setExpiresAt(timestamp(expiresAt));
    }
    return grant.build();
  }

  private void at(String instant) {
    app.clock.set(Instant.parse(instant));
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }
}
