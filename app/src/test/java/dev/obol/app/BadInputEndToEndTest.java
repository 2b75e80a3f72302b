package dev.obol.app;

import static dev.obol.app.testing.GrpcAssertions.assertError;
import static dev.obol.app.testing.GrpcAssertions.assertInvalidField;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import com.zaxxer.hikari.HikariDataSource;
import dev.obol.app.testing.ObolTestProperties;
import dev.obol.app.testing.ObolUnderTest;
import dev.obol.app.testing.StripeStub;
import dev.obol.domain.port.LedgerAudit;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.grpc.WalletProtoMapper;
import dev.obol.proto.v1.AccountServiceGrpc.AccountServiceBlockingStub;
import dev.obol.proto.v1.AccountStatus;
import dev.obol.proto.v1.Asset;
import dev.obol.proto.v1.CheckAndDebitRequest;
import dev.obol.proto.v1.CheckRequest;
import dev.obol.proto.v1.CreateCheckoutSessionRequest;
import dev.obol.proto.v1.GetBalanceRequest;
import dev.obol.proto.v1.GetStandingRequest;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantSource;
import dev.obol.proto.v1.ListLedgerEntriesRequest;
import dev.obol.proto.v1.ReinstateAccountRequest;
import dev.obol.proto.v1.ReverseDebitRequest;
import dev.obol.proto.v1.RunMonthlyChargesRequest;
import dev.obol.proto.v1.SetSeatCountRequest;
import dev.obol.proto.v1.SuspendAccountRequest;
import dev.obol.proto.v1.WalletServiceGrpc.WalletServiceBlockingStub;
import io.grpc.Status;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A hostile client's bad input, over the real socket to the real app on PostgreSQL: each is INVALID_ARGUMENT with an
 * ErrorInfo naming the field, and writes nothing (every table keeps its row count, Stripe is not called).
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputEndToEndTest implements ObolTestProperties {

  private static final List<String> TABLES =
      List.of(
          "accounts", "grants", "ledger_entries", "debits", "request_log", "stripe_events", "payments",
          "subscriptions", "quota_periods", "seat_plans", "seat_charges", "outbox");
  private static final String NUL = "\u0000";
  private static final String URL = "https://app.example.com/billing/done";

  private final StripeStub stripe = StripeStub.start();
  @Inject ObolUnderTest app;

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant =
      LedgerInvariantExtension.over(() -> app.bean(LedgerAudit.class), () -> app.clock.instant());

  private WalletServiceBlockingStub wallet;
  private AccountServiceBlockingStub accounts;
  private String account;

  @Override
  public Map<String, Object> settings() {
    return Map.of(
        "obol.stripe.secret-key", "sk_test_obol",
        "obol.stripe.api-base", stripe.baseUrl(),
        "obol.payments.packs", "basic=100/999",
        "obol.seat-fee.charge-enabled", false,
        "obol.notify.poll-interval", "1h");
  }

  @AfterAll
  void stopStripe() {
    stripe.close();
  }

  @BeforeEach
  void newAccount() {
    account = "acct-" + UUID.randomUUID();
    wallet = app.wallet();
    accounts = app.accounts();
  }

  // ---- ids: control, format and separator characters -------------------------------------------------------------

  /** C1 controls (NEL, CSI), bidi marks and overrides, an isolate, the BOM, a line separator, a no-break space. */
  @ParameterizedTest
  @ValueSource(strings = {"\u0085", "\u009b", "\u200e", "\u202e", "\u2066", "\ufeff", "\u2028", "\u00a0", "\u001b"})
  void anAccountIdWithAControlOrFormatCharacterIsRefusedByEveryRpc(String character) {
    String bad = account + character;

    refusedWithoutWriting("account_id", "INVALID_CHARACTERS", () -> wallet.checkAndDebit(
        CheckAndDebitRequest.newBuilder().setAccountId(bad).setFeature("image").setRequestId("d1").build()));
    refusedWithoutWriting("account_id", "INVALID_CHARACTERS", () -> wallet.grant(grant(bad, "g1").build()));
    refusedWithoutWriting("account_id", "INVALID_CHARACTERS", () -> wallet.getBalance(
        GetBalanceRequest.newBuilder().setAccountId(bad).build()));
    refusedWithoutWriting("account_id", "INVALID_CHARACTERS", () -> wallet.check(
        CheckRequest.newBuilder().setAccountId(bad).setFeature("image").build()));
    refusedWithoutWriting("account_id", "INVALID_CHARACTERS", () -> wallet.reverseDebit(
        ReverseDebitRequest.newBuilder().setAccountId(bad).setDebitId("dbt_1").setRequestId("r1").build()));
    refusedWithoutWriting("account_id", "INVALID_CHARACTERS", () -> wallet.listLedgerEntries(
        ListLedgerEntriesRequest.newBuilder().setAccountId(bad).build()));
    refusedWithoutWriting("account_id", "INVALID_CHARACTERS", () -> accounts.setSeatCount(
        SetSeatCountRequest.newBuilder().setAccountId(bad).setSeatCount(3).setRequestId("s1").build()));
    refusedWithoutWriting("account_id", "INVALID_CHARACTERS", () -> accounts.suspendAccount(
        SuspendAccountRequest.newBuilder().setAccountId(bad).setReason("fraud").setRequestId("s1").build()));
    refusedWithoutWriting("account_id", "INVALID_CHARACTERS", () -> accounts.reinstateAccount(
        ReinstateAccountRequest.newBuilder().setAccountId(bad).setRequestId("s1").build()));
    refusedWithoutWriting("account_id", "INVALID_CHARACTERS", () -> accounts.getStanding(
        GetStandingRequest.newBuilder().setAccountId(bad).build()));
    refusedWithoutWriting("account_id", "INVALID_CHARACTERS", () -> accounts.createCheckoutSession(
        checkout(bad, "c1").setPack("basic").build()));

    assertNoAccount(account);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u0085", "\u009b", "\u202e", "\ufeff"})
  void otherIdsWithAControlOrFormatCharacterAreRefusedNamingTheirField(String character) {
    refusedWithoutWriting("request_id", "INVALID_CHARACTERS", () -> wallet.grant(grant(account, "g" + character).build()));
    refusedWithoutWriting("request_id", "INVALID_CHARACTERS", () -> wallet.checkAndDebit(
        CheckAndDebitRequest.newBuilder().setAccountId(account).setFeature("image").setRequestId(character).build()));
    refusedWithoutWriting("feature", "INVALID_CHARACTERS", () -> wallet.checkAndDebit(
        CheckAndDebitRequest.newBuilder().setAccountId(account).setFeature("image" + character).setRequestId("d1")
            .build()));

    wallet.grant(grant(account, "g1").build());
    refusedWithoutWriting("debit_id", "INVALID_CHARACTERS", () -> wallet.reverseDebit(
        ReverseDebitRequest.newBuilder().setAccountId(account).setDebitId("dbt_1" + character).setRequestId("r1")
            .build()));
    assertThat(balance(account)).isEqualTo(100);
  }

  // ---- NUL in free text ------------------------------------------------------------------------------------------

  @Test
  void aNulInAGrantsReasonOrReferenceIsRefused() {
    refusedWithoutWriting("reason", "INVALID_CHARACTER", () -> wallet.grant(
        grant(account, "g1").setReason("goodwill" + NUL).build()));
    refusedWithoutWriting("reference", "INVALID_CHARACTER", () -> wallet.grant(
        grant(account, "g1").setReference("inv-42" + NUL).build()));
    assertNoAccount(account);

    // The same request id is still free: the refused calls left no trace in the request log.
    assertThat(wallet.grant(grant(account, "g1").setReason("goodwill").build()).getBalance()).isEqualTo(100);
  }

  @Test
  void aNulInADebitsMetadataKeyOrValueIsRefused() {
    wallet.grant(grant(account, "g1").build());

    refusedWithoutWriting("metadata", "INVALID_CHARACTER", () -> wallet.checkAndDebit(
        CheckAndDebitRequest.newBuilder().setAccountId(account).setFeature("article").setRequestId("d1")
            .putMetadata("job" + NUL, "42").build()));
    refusedWithoutWriting("metadata", "INVALID_CHARACTER", () -> wallet.checkAndDebit(
        CheckAndDebitRequest.newBuilder().setAccountId(account).setFeature("article").setRequestId("d1")
            .putMetadata("job", "4" + NUL + "2").build()));
    assertThat(balance(account)).isEqualTo(100);
  }

  @Test
  void aNulInASuspensionOrReinstatementReasonIsRefusedWhateverTheAccountsStatus() {
    wallet.grant(grant(account, "g1").build());

    // Active: reinstating it would be a no-op, but the reason must not reach the request log either.
    refusedWithoutWriting("reason", "INVALID_CHARACTER", () -> accounts.reinstateAccount(
        ReinstateAccountRequest.newBuilder().setAccountId(account).setReason("ok" + NUL).setRequestId("r1").build()));
    refusedWithoutWriting("reason", "INVALID_CHARACTER", () -> accounts.suspendAccount(
        SuspendAccountRequest.newBuilder().setAccountId(account).setReason(NUL).setRequestId("s1").build()));
    assertThat(standing(account)).isEqualTo(AccountStatus.ACCOUNT_STATUS_ACTIVE);

    accounts.suspendAccount(
        SuspendAccountRequest.newBuilder().setAccountId(account).setReason("review").setRequestId("s2").build());
    refusedWithoutWriting("reason", "INVALID_CHARACTER", () -> accounts.reinstateAccount(
        ReinstateAccountRequest.newBuilder().setAccountId(account).setReason("done" + NUL).setRequestId("r2").build()));
    assertThat(standing(account)).isEqualTo(AccountStatus.ACCOUNT_STATUS_SUSPENDED);

    // Neither refused request id was used up.
    assertThat(accounts.reinstateAccount(
        ReinstateAccountRequest.newBuilder().setAccountId(account).setReason("done").setRequestId("r1").build())
        .getStatus()).isEqualTo(AccountStatus.ACCOUNT_STATUS_ACTIVE);
  }

  @Test
  void aNulInACheckoutUrlOrEmailIsRefusedBeforeStripeIsCalled() {
    int sent = stripe.requests().size();

    refusedWithoutWriting("success_url", "INVALID_CHARACTER", () -> accounts.createCheckoutSession(
        checkout(account, "c1").setPack("basic").setSuccessUrl(URL + "?x=" + NUL).build()));
    refusedWithoutWriting("cancel_url", "INVALID_CHARACTER", () -> accounts.createCheckoutSession(
        checkout(account, "c1").setPack("basic").setCancelUrl(URL + NUL).build()));
    refusedWithoutWriting("customer_email", "INVALID_CHARACTER", () -> accounts.createCheckoutSession(
        checkout(account, "c1").setPack("basic").setCustomerEmail("a@example.com" + NUL).build()));
    refusedWithoutWriting("pack", "INVALID_CHARACTER", () -> accounts.createCheckoutSession(
        checkout(account, "c1").setPack("basic" + NUL).build()));

    assertThat(stripe.requests()).hasSize(sent);
  }

  @Test
  void aNulInAnyOtherStringIsRefusedToo() {
    refusedWithoutWriting("account_id", "INVALID_CHARACTER", () -> wallet.grant(grant(account + NUL, "g1").build()));
    refusedWithoutWriting("request_id", "INVALID_CHARACTER", () -> wallet.grant(grant(account, "g1" + NUL).build()));
    refusedWithoutWriting("page_token", "INVALID_CHARACTER", () -> wallet.listLedgerEntries(
        ListLedgerEntriesRequest.newBuilder().setAccountId(account).setPageToken(NUL).build()));
    // CheckRequest.metadata is not used by the server today; a NUL there is refused all the same.
    refusedWithoutWriting("metadata", "INVALID_CHARACTER", () -> wallet.check(
        CheckRequest.newBuilder().setAccountId(account).setFeature("image").putMetadata("k", NUL).build()));
    assertNoAccount(account);
  }

  @Test
  void legitimateUnicodeTextAndLineBreaksAreAccepted() {
    String reason = "Goodwill — Ünïcödé ✓ 👍\nsecond line";
    assertThat(wallet.grant(grant(account, "g1").setReason(reason).setReference("réf\t42").build()).getBalance())
        .isEqualTo(100);
    assertThat(wallet.listLedgerEntries(ListLedgerEntriesRequest.newBuilder().setAccountId(account).build())
        .getEntries(0).getReason()).isEqualTo(reason);
  }

  // ---- timestamps ------------------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(ints = {-1, 1_000_000_000, Integer.MIN_VALUE, Integer.MAX_VALUE})
  void aTimestampWithNanosOutOfRangeIsRefusedNotNormalised(int nanos) {
    long inAYear = app.clock.instant().plusSeconds(365L * 86_400).getEpochSecond();
    refusedWithoutWriting("expires_at", "INVALID_TIMESTAMP", () -> wallet.grant(grant(account, "g1")
        .setExpiresAt(Timestamp.newBuilder().setSeconds(inAYear).setNanos(nanos)).build()));
    assertNoAccount(account);

    long lastMonth = app.clock.instant().minusSeconds(30L * 86_400).getEpochSecond();
    refusedWithoutWriting("as_of", "INVALID_TIMESTAMP", () -> accounts.runMonthlyCharges(
        RunMonthlyChargesRequest.newBuilder().setAsOf(Timestamp.newBuilder().setSeconds(lastMonth).setNanos(nanos))
            .setRequestId("run-" + account).build()));
  }

  @ParameterizedTest
  @ValueSource(longs = {-62_135_596_801L, 253_402_300_800L, Long.MIN_VALUE, Long.MAX_VALUE})
  void aTimestampOutsideYearsOneToTenThousandIsRefused(long seconds) {
    refusedWithoutWriting("expires_at", "INVALID_TIMESTAMP", () -> wallet.grant(grant(account, "g1")
        .setExpiresAt(Timestamp.newBuilder().setSeconds(seconds)).build()));
    refusedWithoutWriting("as_of", "INVALID_TIMESTAMP", () -> accounts.runMonthlyCharges(
        RunMonthlyChargesRequest.newBuilder().setAsOf(Timestamp.newBuilder().setSeconds(seconds))
            .setRequestId("run-" + account).build()));
    assertNoAccount(account);
  }

  @Test
  void theLastValidNanosecondIsAccepted() {
    Instant inAYear = app.clock.instant().plusSeconds(365L * 86_400);
    Timestamp expiresAt =
        Timestamp.newBuilder().setSeconds(inAYear.getEpochSecond()).setNanos(999_999_999).build();
    wallet.grant(grant(account, "g1").setExpiresAt(expiresAt).build());
    Timestamp stored =
        wallet.getBalance(GetBalanceRequest.newBuilder().setAccountId(account).build())
            .getWallets(0).getGrants(0).getExpiresAt();
    // Stored to PostgreSQL's microsecond; never moved into the next second.
    assertThat(stored.getSeconds()).isEqualTo(inAYear.getEpochSecond());
    assertThat(WalletProtoMapper.instant(stored, "expires_at")).isBefore(inAYear.plusSeconds(1));
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  /** The call is INVALID_ARGUMENT naming {@code field} with {@code reason}, and no table gained or lost a row. */
  private void refusedWithoutWriting(String field, String reason, ThrowingCallable call) {
    Map<String, Long> before = rowCounts();
    assertInvalidField(field, reason, call);
    assertThat(rowCounts()).as("row counts after a refused %s", field).isEqualTo(before);
  }

  private void assertNoAccount(String accountId) {
    assertError(Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND", () -> wallet.getBalance(
        GetBalanceRequest.newBuilder().setAccountId(accountId).build()));
  }

  private static GrantRequest.Builder grant(String accountId, String requestId) {
    return GrantRequest.newBuilder()
        .setAccountId(accountId)
        .setAsset(Asset.ASSET_TOKEN)
        .setAmount(100)
        .setSource(GrantSource.GRANT_SOURCE_PROMO)
        .setRequestId(requestId);
  }

  private static CreateCheckoutSessionRequest.Builder checkout(String accountId, String requestId) {
    return CreateCheckoutSessionRequest.newBuilder()
        .setAccountId(accountId)
        .setSuccessUrl(URL)
        .setCancelUrl(URL)
        .setRequestId(requestId);
  }

  private long balance(String accountId) {
    return wallet.getBalance(GetBalanceRequest.newBuilder().setAccountId(accountId).setAsset(Asset.ASSET_TOKEN).build())
        .getWallets(0)
        .getBalance();
  }

  private AccountStatus standing(String accountId) {
    return accounts.getStanding(GetStandingRequest.newBuilder().setAccountId(accountId).build()).getStatus();
  }

  private Map<String, Long> rowCounts() {
    Map<String, Long> counts = new LinkedHashMap<>();
    try (Connection connection = app.bean(HikariDataSource.class).getConnection();
        Statement statement = connection.createStatement()) {
      for (String table : TABLES) {
        try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
          rows.next();
          counts.put(table, rows.getLong(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return counts;
  }
}
