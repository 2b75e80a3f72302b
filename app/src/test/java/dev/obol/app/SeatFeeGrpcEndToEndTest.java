package dev.obol.app;

import static dev.obol.app.testing.GrpcAssertions.assertError;
import static dev.obol.app.testing.GrpcAssertions.assertInvalidField;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import com.zaxxer.hikari.HikariDataSource;
import dev.obol.app.testing.ObolTestApp;
import dev.obol.app.testing.ObolTestProperties;
import dev.obol.app.testing.ObolUnderTest;
import dev.obol.domain.port.LedgerAudit;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.grpc.WalletProtoMapper;
import dev.obol.proto.v1.AccountServiceGrpc.AccountServiceBlockingStub;
import dev.obol.proto.v1.AccountStatus;
import dev.obol.proto.v1.Asset;
import dev.obol.proto.v1.CheckAndDebitRequest;
import dev.obol.proto.v1.CheckAndDebitResponse;
import dev.obol.proto.v1.DenialReason;
import dev.obol.proto.v1.EntryKind;
import dev.obol.proto.v1.GetStandingRequest;
import dev.obol.proto.v1.GetStandingResponse;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantSource;
import dev.obol.proto.v1.LedgerEntry;
import dev.obol.proto.v1.ListLedgerEntriesRequest;
import dev.obol.proto.v1.ListLedgerEntriesResponse;
import dev.obol.proto.v1.ReinstateAccountRequest;
import dev.obol.proto.v1.RunMonthlyChargesRequest;
import dev.obol.proto.v1.RunMonthlyChargesResponse;
import dev.obol.proto.v1.SetSeatCountRequest;
import dev.obol.proto.v1.SetSeatCountResponse;
import dev.obol.proto.v1.SuspendAccountRequest;
import dev.obol.proto.v1.WalletServiceGrpc.WalletServiceBlockingStub;
import io.grpc.Status;
import io.micronaut.scheduling.cron.CronExpression;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Per-seat fees through obol.v1.AccountService and WalletService: real gRPC socket, real app, real PostgreSQL, the
 * test's clock. The app and its database are shared by the tests of this class, and a charge run charges every
 * account with seats, so each test asserts on its own accounts, never on global counts.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SeatFeeGrpcEndToEndTest implements ObolTestProperties {

  @Inject ObolUnderTest app;

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant =
      LedgerInvariantExtension.over(() -> app.bean(LedgerAudit.class), () -> app.clock.instant());

  private AccountServiceBlockingStub accounts;
  private WalletServiceBlockingStub wallet;
  private String teacher;
  private int requests;

  @Override
  public Map<String, Object> settings() {
    // The scheduled charge stays out of the way: the tests run charges themselves, with as_of on their clock.
    return Map.of("obol.seat-fee.charge-enabled", false, "obol.notify.poll-interval", "1h");
  }

  @BeforeEach
  void newTeacher() {
    teacher = "teacher-" + UUID.randomUUID();
    accounts = app.accounts();
    wallet = app.wallet();
  }

  // ---- a year ----------------------------------------------------------------------------------------------------

  @Test
  void aYearOfMonthlyChargesWithAChangingSeatCountAndTopUps() {
    at("2025-12-15T10:00:00Z");
    topUp(teacher, 5000);
    assertThat(setSeats(teacher, 1).getMonthlyFee()).isEqualTo(500);

    chargeMonth("2026-01", 4500, AccountStatus.ACCOUNT_STATUS_ACTIVE);
    chargeMonth("2026-02", 4000, AccountStatus.ACCOUNT_STATUS_ACTIVE);
    at("2026-02-20T12:00:00Z");
    assertThat(setSeats(teacher, 3).getMonthlyFee()).isEqualTo(900);
    chargeMonth("2026-03", 3100, AccountStatus.ACCOUNT_STATUS_ACTIVE);
    chargeMonth("2026-04", 2200, AccountStatus.ACCOUNT_STATUS_ACTIVE);
    chargeMonth("2026-05", 1300, AccountStatus.ACCOUNT_STATUS_ACTIVE);
    chargeMonth("2026-06", 400, AccountStatus.ACCOUNT_STATUS_ACTIVE);
    // July: 400 cannot pay 900. Nothing is taken; the fee is owed.
    chargeMonth("2026-07", 400, AccountStatus.ACCOUNT_STATUS_INSUFFICIENT_FUNDS);
    assertThat(standing(teacher).getOwed()).isEqualTo(900);
    at("2026-07-10T08:00:00Z");
    topUp(teacher, 2000); // 2400, collects the 900 at once
    assertThat(standing(teacher).getStatus()).isEqualTo(AccountStatus.ACCOUNT_STATUS_ACTIVE);
    assertThat(standing(teacher).getBalance()).isEqualTo(1500);
    chargeMonth("2026-08", 600, AccountStatus.ACCOUNT_STATUS_ACTIVE);
    at("2026-08-25T08:00:00Z");
    setSeats(teacher, 2); // 700 > 600
    chargeMonth("2026-09", 600, AccountStatus.ACCOUNT_STATUS_INSUFFICIENT_FUNDS);
    at("2026-09-05T08:00:00Z");
    topUp(teacher, 500); // 1100, collects 700
    assertThat(standing(teacher).getBalance()).isEqualTo(400);
    at("2026-09-30T08:00:00Z");
    setSeats(teacher, 0); // a month off: October costs nothing
    chargeMonth("2026-10", 400, AccountStatus.ACCOUNT_STATUS_ACTIVE);
    at("2026-10-31T08:00:00Z");
    setSeats(teacher, 1);
    topUp(teacher, 3000);
    chargeMonth("2026-11", 2900, AccountStatus.ACCOUNT_STATUS_ACTIVE);
    chargeMonth("2026-12", 2400, AccountStatus.ACCOUNT_STATUS_ACTIVE);

    // Running December again, under a new request id, charges nothing more.
    runCharges("2026-12-01T06:00:00Z", "rerun-dec");

    List<LedgerEntry> fees = feeEntries(teacher);
    assertThat(fees.stream().mapToLong(LedgerEntry::getAmount).sum()).isEqualTo(-(5000 + 2000 + 500 + 3000 - 2400));
    assertThat(fees.stream().map(LedgerEntry::getReason).distinct())
        .containsExactlyInAnyOrder(
            "seat fee 2026-01 (1 seats)",
            "seat fee 2026-02 (1 seats)",
            "seat fee 2026-03 (3 seats)",
            "seat fee 2026-04 (3 seats)",
            "seat fee 2026-05 (3 seats)",
            "seat fee 2026-06 (3 seats)",
            "seat fee 2026-07 (3 seats)",
            "seat fee 2026-08 (3 seats)",
            "seat fee 2026-09 (2 seats)",
            "seat fee 2026-11 (1 seats)",
            "seat fee 2026-12 (1 seats)");
    GetStandingResponse standing = standing(teacher);
    assertThat(standing.getStatus()).isEqualTo(AccountStatus.ACCOUNT_STATUS_ACTIVE);
    assertThat(standing.getSeatCount()).isEqualTo(1);
    assertThat(standing.getMonthlyFee()).isEqualTo(500);
    assertThat(standing.getBalance()).isEqualTo(2400);
    assertThat(standing.getMonthsRemaining()).isEqualTo(4);
    assertThat(standing.getCanAffordNextMonth()).isTrue();
    assertThat(standing.getOwed()).isZero();
    assertThat(standing.getLastChargeAt()).isEqualTo(ts("2026-12-01T00:00:30Z"));
    assertThat(standing.getNextChargeAt()).isEqualTo(ts("2027-01-01T00:00:00Z"));
  }

  // ---- the ladder ------------------------------------------------------------------------------------------------

  @Test
  void anUnpaidChargeIsOwedAndDeniesPaidFeaturesUntilATopUpCoversIt() {
    at("2027-01-01T00:01:00Z");
    topUp(teacher, 300);
    setSeats(teacher, 1);

    runCharges("2027-01-01T00:01:00Z", "run-jan");

    GetStandingResponse standing = standing(teacher);
    assertThat(standing.getStatus()).isEqualTo(AccountStatus.ACCOUNT_STATUS_INSUFFICIENT_FUNDS);
    assertThat(standing.getBalance()).isEqualTo(300);
    assertThat(standing.getOwed()).isEqualTo(500);
    assertThat(standing.getCanAffordNextMonth()).isFalse();
    assertThat(standing.getMonthsRemaining()).isZero();
    assertThat(standing.getLastChargeAt()).isEqualTo(ts("2027-01-01T00:01:00Z"));
    assertThat(feeEntries(teacher)).isEmpty();
    CheckAndDebitResponse denied = debitEur(teacher, 10);
    assertThat(denied.getAllowed()).isFalse();
    assertThat(denied.getDenialReason()).isEqualTo(DenialReason.DENIAL_REASON_ACCOUNT_INSUFFICIENT_FUNDS);

    topUp(teacher, 100); // 400 < 500: nothing collected, still denied
    assertThat(standing(teacher).getStatus()).isEqualTo(AccountStatus.ACCOUNT_STATUS_INSUFFICIENT_FUNDS);
    assertThat(debitEur(teacher, 10).getDenialReason())
        .isEqualTo(DenialReason.DENIAL_REASON_ACCOUNT_INSUFFICIENT_FUNDS);

    topUp(teacher, 1000); // 1400 covers 500: collected at once, active again
    standing = standing(teacher);
    assertThat(standing.getStatus()).isEqualTo(AccountStatus.ACCOUNT_STATUS_ACTIVE);
    assertThat(standing.getOwed()).isZero();
    assertThat(standing.getBalance()).isEqualTo(900);
    assertThat(feeEntries(teacher).stream().mapToLong(LedgerEntry::getAmount).sum()).isEqualTo(-500);
    CheckAndDebitResponse allowed = debitEur(teacher, 10);
    assertThat(allowed.getAllowed()).isTrue();
    assertThat(allowed.getBalance()).isEqualTo(890);
    // The period stays charged once.
    runCharges("2027-01-20T00:00:00Z", "run-jan-again");
    assertThat(feeEntries(teacher).stream().mapToLong(LedgerEntry::getAmount).sum()).isEqualTo(-500);
  }

  @Test
  void aSuspensionIsNotLiftedByATopUpOnlyByReinstateAccount() {
    at("2027-02-03T09:00:00Z");
    topUp(teacher, 2000);
    setSeats(teacher, 1);

    assertThat(suspend(teacher, "s-1", "chargeback under review")).isEqualTo(AccountStatus.ACCOUNT_STATUS_SUSPENDED);
    assertThat(suspend(teacher, "s-1", "chargeback under review")).isEqualTo(AccountStatus.ACCOUNT_STATUS_SUSPENDED);
    assertError(Status.Code.FAILED_PRECONDITION, "REQUEST_ID_CONFLICT", () -> suspend(teacher, "s-1", "other"));
    assertThat(debitEur(teacher, 10).getDenialReason()).isEqualTo(DenialReason.DENIAL_REASON_ACCOUNT_SUSPENDED);

    topUp(teacher, 5000);
    assertThat(standing(teacher).getStatus()).isEqualTo(AccountStatus.ACCOUNT_STATUS_SUSPENDED);
    assertThat(debitEur(teacher, 10).getDenialReason()).isEqualTo(DenialReason.DENIAL_REASON_ACCOUNT_SUSPENDED);

    assertThat(
            accounts
                .reinstateAccount(
                    ReinstateAccountRequest.newBuilder()
                        .setAccountId(teacher)
                        .setReason("review closed")
                        .setRequestId("r-1")
                        .build())
                .getStatus())
        .isEqualTo(AccountStatus.ACCOUNT_STATUS_ACTIVE);
    assertThat(debitEur(teacher, 10).getAllowed()).isTrue();
  }

  // ---- once per period -------------------------------------------------------------------------------------------

  @Test
  void twoRunsAtOnceAndTheJobRunTwiceChargeEachAccountOnce() throws Exception {
    at("2027-03-01T00:00:05Z");
    List<String> teachers = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String id = teacher + "-" + i;
      teachers.add(id);
      topUp(id, 10_000);
      setSeats(id, 1 + i % 4);
    }
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<RunMonthlyChargesResponse>> runs = new ArrayList<>();
    for (String requestId : List.of("run-a", "run-b")) {
      runs.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
                return runCharges("2027-03-01T00:00:05Z", requestId);
              }));
    }
    start.countDown();
    long chargedOrFailed = 0;
    long skipped = 0;
    for (CompletableFuture<RunMonthlyChargesResponse> run : runs) {
      RunMonthlyChargesResponse response = run.get(60, TimeUnit.SECONDS);
      chargedOrFailed += response.getCharged() + response.getFailed();
      skipped += response.getSkipped();
    }
    // Every account with seats was handled by both runs: charged by one, skipped by the other.
    assertThat(chargedOrFailed).isEqualTo(skipped).isGreaterThanOrEqualTo(teachers.size());

    // The scheduled job, twice, for the same period: nothing more.
    MonthlyChargeJob job = app.bean(MonthlyChargeJob.class);
    app.clock.set(Instant.parse("2027-03-01T00:00:06Z"));
    job.run();
    job.run();
    // A retry of a run answers as the first time.
    RunMonthlyChargesResponse first = runCharges("2027-03-01T00:00:05Z", "run-a");
    assertThat(runCharges("2027-03-01T00:00:05Z", "run-a")).isEqualTo(first);

    for (int i = 0; i < teachers.size(); i++) {
      long fee = 500 + 200L * (i % 4);
      assertThat(feeEntries(teachers.get(i)).stream().mapToLong(LedgerEntry::getAmount).sum()).isEqualTo(-fee);
      assertThat(seatChargeRows(teachers.get(i))).isEqualTo(1);
      assertThat(standing(teachers.get(i)).getBalance()).isEqualTo(10_000 - fee);
    }
  }

  @Test
  void twoInstancesRunningTheChargeAtOnceChargeEachAccountOnce() throws Exception {
    at("2027-04-01T00:00:05Z");
    List<String> teachers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String id = teacher + "-" + i;
      teachers.add(id);
      topUp(id, i % 2 == 0 ? 10_000 : 100); // half of them cannot pay
      setSeats(id, 2);
    }
    try (ObolTestApp second = app.secondInstance()) {
      CountDownLatch start = new CountDownLatch(1);
      List<CompletableFuture<RunMonthlyChargesResponse>> runs = new ArrayList<>();
      for (AccountServiceBlockingStub onInstance : List.of(app.accounts(), second.accounts())) {
        runs.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    start.await();
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                  // What the scheduled job on each instance does: the same request id for the period.
                  return onInstance.runMonthlyCharges(
                      RunMonthlyChargesRequest.newBuilder()
                          .setAsOf(ts("2027-04-01T00:00:05Z"))
                          .setRequestId("scheduled-2027-04")
                          .build());
                }));
      }
      start.countDown();
      for (CompletableFuture<RunMonthlyChargesResponse> run : runs) {
        assertThat(run.get(60, TimeUnit.SECONDS).getErrored()).isZero();
      }
    }
    for (int i = 0; i < teachers.size(); i++) {
      String id = teachers.get(i);
      assertThat(seatChargeRows(id)).isEqualTo(1);
      GetStandingResponse standing = standing(id);
      if (i % 2 == 0) {
        assertThat(standing.getBalance()).isEqualTo(10_000 - 700);
        assertThat(standing.getStatus()).isEqualTo(AccountStatus.ACCOUNT_STATUS_ACTIVE);
      } else {
        assertThat(standing.getBalance()).isEqualTo(100);
        assertThat(standing.getOwed()).isEqualTo(700);
        assertThat(standing.getStatus()).isEqualTo(AccountStatus.ACCOUNT_STATUS_INSUFFICIENT_FUNDS);
        assertThat(outboxCount(id, "charge.failed")).isEqualTo(1);
      }
    }
  }

  // ---- low balance -----------------------------------------------------------------------------------------------

  @Test
  void theLowBalanceFlagIsSetOnceAndClearedByACoveringTopUp() {
    at("2027-05-10T09:00:00Z");
    topUp(teacher, 1000);
    setSeats(teacher, 2); // 700 a month
    assertThat(standing(teacher).getLowBalanceAlerted()).isFalse();

    debitEur(teacher, 400); // 600 < 700
    assertThat(standing(teacher).getLowBalanceAlerted()).isTrue();
    assertThat(standing(teacher).getCanAffordNextMonth()).isFalse();
    debitEur(teacher, 100);
    debitEur(teacher, 100);
    assertThat(outboxCount(teacher, "balance.low")).isEqualTo(1);

    topUp(teacher, 500); // 900 >= 700
    assertThat(standing(teacher).getLowBalanceAlerted()).isFalse();
    assertThat(standing(teacher).getMonthsRemaining()).isEqualTo(1);
    assertThat(outboxCount(teacher, "balance.low")).isEqualTo(1);
  }

  // ---- contract details ------------------------------------------------------------------------------------------

  @Test
  void setSeatCountIsIdempotentAndCreatesTheAccount() {
    at("2027-06-01T09:00:00Z");
    SetSeatCountResponse first = setSeats(teacher, 5, "seats-1");
    assertThat(first.getSeatCount()).isEqualTo(5);
    assertThat(first.getMonthlyFee()).isEqualTo(1300);
    assertThat(setSeats(teacher, 5, "seats-1")).isEqualTo(first);
    assertError(Status.Code.FAILED_PRECONDITION, "REQUEST_ID_CONFLICT", () -> setSeats(teacher, 6, "seats-1"));
    GetStandingResponse standing = standing(teacher);
    assertThat(standing.getStatus()).isEqualTo(AccountStatus.ACCOUNT_STATUS_ACTIVE);
    assertThat(standing.getSeatCount()).isEqualTo(5);
    assertThat(standing.getBalance()).isZero();
    assertThat(standing.getLowBalanceAlerted()).isTrue();
    assertThat(standing.hasLastChargeAt()).isFalse();
    assertThat(standing.getNextChargeAt()).isEqualTo(ts("2027-07-01T00:00:00Z"));
  }

  @Test
  void badInputIsInvalidArgumentNamingTheFieldAndUnknownAccountsAreNotFound() {
    at("2027-06-01T09:00:00Z");
    assertInvalidField("seat_count", "SEAT_COUNT_NEGATIVE", () -> setSeats(teacher, -1, "x"));
    assertInvalidField("seat_count", "SEAT_COUNT_TOO_LARGE", () -> setSeats(teacher, 1_000_001, "x"));
    assertInvalidField("seat_count", "SEAT_COUNT_TOO_LARGE", () -> setSeats(teacher, Long.MAX_VALUE, "x"));
    assertInvalidField("account_id", "MISSING_FIELD", () -> setSeats("", 1, "x"));
    assertInvalidField("request_id", "MISSING_FIELD", () -> setSeats(teacher, 1, ""));
    assertInvalidField(
        "request_id",
        "MISSING_FIELD",
        () -> accounts.runMonthlyCharges(RunMonthlyChargesRequest.getDefaultInstance()));
    assertInvalidField(
        "as_of",
        "PERIOD_IN_FUTURE",
        () ->
            accounts.runMonthlyCharges(
                RunMonthlyChargesRequest.newBuilder()
                    .setAsOf(ts("2027-07-01T00:00:00Z"))
                    .setRequestId("future")
                    .build()));
    assertInvalidField("reason", "FIELD_TOO_LONG", () -> suspend(teacher, "s", "x".repeat(600)));
    assertError(
        Status.Code.NOT_FOUND,
        "ACCOUNT_NOT_FOUND",
        () -> accounts.getStanding(GetStandingRequest.newBuilder().setAccountId("nobody-" + teacher).build()));
    assertError(Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND", () -> suspend("nobody-" + teacher, "s", null));
  }

  @Test
  void theDefaultCronIsTheFirstOfEachMonthAtMidnight() {
    ZonedDateTime next =
        CronExpression.create("0 0 0 1 * *")
            .nextTimeAfter(ZonedDateTime.of(2026, 11, 24, 8, 0, 0, 0, ZoneOffset.UTC));
    assertThat(next.toInstant()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  /** Charges the month at 00:00:30 on its first day and checks the teacher's balance and status after. */
  private void chargeMonth(String month, long balanceAfter, AccountStatus statusAfter) {
    String asOf = month + "-01T00:00:30Z";
    runCharges(asOf, "run-" + month);
    GetStandingResponse standing = standing(teacher);
    assertThat(standing.getBalance()).as("balance after %s", month).isEqualTo(balanceAfter);
    assertThat(standing.getStatus()).as("status after %s", month).isEqualTo(statusAfter);
  }

  private RunMonthlyChargesResponse runCharges(String asOf, String requestId) {
    Instant instant = Instant.parse(asOf);
    if (app.clock.instant().isBefore(instant)) {
      app.clock.set(instant);
    }
    return app.accounts()
        .runMonthlyCharges(
            RunMonthlyChargesRequest.newBuilder().setAsOf(ts(asOf)).setRequestId(requestId).build());
  }

  private void at(String instant) {
    app.clock.set(Instant.parse(instant));
  }

  private void topUp(String account, long cents) {
    wallet.grant(
        GrantRequest.newBuilder()
            .setAccountId(account)
            .setAsset(Asset.ASSET_EUR)
            .setAmount(cents)
            .setSource(GrantSource.GRANT_SOURCE_TOP_UP)
            .setReason("top-up")
            .setRequestId(nextRequest())
            .build());
  }

  private SetSeatCountResponse setSeats(String account, long count) {
    return setSeats(account, count, nextRequest());
  }

  private SetSeatCountResponse setSeats(String account, long count, String requestId) {
    return accounts.setSeatCount(
        SetSeatCountRequest.newBuilder().setAccountId(account).setSeatCount(count).setRequestId(requestId).build());
  }

  private AccountStatus suspend(String account, String requestId, String reason) {
    SuspendAccountRequest.Builder request = SuspendAccountRequest.newBuilder().setAccountId(account);
    if (reason != null) {
      request.setReason(reason);
    }
    return accounts.suspendAccount(request.setRequestId(requestId).build()).getStatus();
  }

  private GetStandingResponse standing(String account) {
    return accounts.getStanding(GetStandingRequest.newBuilder().setAccountId(account).build());
  }

  private CheckAndDebitResponse debitEur(String account, long cents) {
    return wallet.checkAndDebit(
        CheckAndDebitRequest.newBuilder()
            .setAccountId(account)
            .setAsset(Asset.ASSET_EUR)
            .setAmount(cents)
            .setRequestId(nextRequest())
            .build());
  }

  private List<LedgerEntry> feeEntries(String account) {
    List<LedgerEntry> fees = new ArrayList<>();
    String token = "";
    do {
      ListLedgerEntriesResponse page =
          wallet.listLedgerEntries(
              ListLedgerEntriesRequest.newBuilder()
                  .setAccountId(account)
                  .setAsset(Asset.ASSET_EUR)
                  .setPageSize(500)
                  .setPageToken(token)
                  .build());
      page.getEntriesList().stream().filter(e -> e.getKind() == EntryKind.ENTRY_KIND_FEE).forEach(fees::add);
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return fees;
  }

  private long seatChargeRows(String account) {
    return count("SELECT count(*) FROM seat_charges WHERE account_id = ?", account, null);
  }

  private long outboxCount(String account, String type) {
    return count("SELECT count(*) FROM outbox WHERE account_id = ? AND type = ?", account, type);
  }

  private long count(String sql, String account, String type) {
    try (Connection connection = app.bean(HikariDataSource.class).getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, account);
      if (type != null) {
        statement.setString(2, type);
      }
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private String nextRequest() {
    return "req-" + ++requests;
  }

  private static Timestamp ts(String instant) {
    return WalletProtoMapper.timestamp(Instant.parse(instant));
  }
}
