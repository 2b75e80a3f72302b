package dev.obol.app;

import static dev.obol.app.testing.GrpcAssertions.assertError;
import static dev.obol.app.testing.GrpcAssertions.assertInvalidField;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.obol.app.testing.ObolTestProperties;
import dev.obol.app.testing.ObolUnderTest;
import dev.obol.domain.port.LedgerAudit;
import dev.obol.domain.service.HoldService;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.proto.v1.AdminServiceGrpc;
import dev.obol.proto.v1.Asset;
import dev.obol.proto.v1.CaptureReservationRequest;
import dev.obol.proto.v1.CaptureReservationRequest.Overage;
import dev.obol.proto.v1.CaptureReservationResponse;
import dev.obol.proto.v1.CheckAndDebitRequest;
import dev.obol.proto.v1.CheckRequest;
import dev.obol.proto.v1.CreateApiKeyRequest;
import dev.obol.proto.v1.DenialReason;
import dev.obol.proto.v1.EntryKind;
import dev.obol.proto.v1.GetBalanceRequest;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantSource;
import dev.obol.proto.v1.LedgerEntry;
import dev.obol.proto.v1.ListLedgerEntriesRequest;
import dev.obol.proto.v1.ReleaseReservationRequest;
import dev.obol.proto.v1.ReleaseReservationResponse;
import dev.obol.proto.v1.ReserveRequest;
import dev.obol.proto.v1.ReserveResponse;
import dev.obol.proto.v1.ReverseDebitRequest;
import dev.obol.proto.v1.WalletBalance;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.Status;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reserve, CaptureReservation and ReleaseReservation end to end: real gRPC, real PostgreSQL, the commit pipeline on (as
 * by default), and the ledger invariant, holds included, after every test.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HoldsEndToEndTest implements ObolTestProperties {

  @Inject ObolUnderTest app;

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant =
      LedgerInvariantExtension.over(() -> app.bean(LedgerAudit.class), () -> app.clock.instant());

  private WalletServiceGrpc.WalletServiceBlockingStub wallet;
  private String account;

  @Override
  public Map<String, Object> settings() {
    return Map.of("obol.holds.sweep-interval", "1h", "obol.demo.seed", false);
  }

  @BeforeEach
  void anAccountWith300Tokens() {
    wallet = app.wallet();
    account = "hold-" + UUID.randomUUID();
    grant(account, 300);
  }

  @Test
  void aHoldIsHeldNotSpendableAndACaptureDebitsWhatTheWorkCostAndReleasesTheRest() {
    ReserveResponse reserved = wallet.reserve(reserve(account, "image", 0).setQuantity(3).setRequestId("r1").build());
    assertThat(reserved.getAllowed()).isTrue();
    assertThat(reserved.getHeld()).isEqualTo(150);
    assertThat(reserved.getBalance()).isEqualTo(150);
    assertThat(reserved.getExpiresAt().getSeconds() - app.clock.instant().getEpochSecond()).isEqualTo(300);
    WalletBalance balance = tokens(account);
    assertThat(balance.getBalance()).isEqualTo(150);
    assertThat(balance.getHeld()).isEqualTo(150);
    assertThat(balance.getGrants(0).getHeld()).isEqualTo(150);
    // Held credit is never spent by Check or CheckAndDebit.
    assertThat(wallet.check(CheckRequest.newBuilder().setAccountId(account).setAsset(Asset.ASSET_TOKEN).setAmount(151).build())
            .getAllowed())
        .isFalse();
    assertThat(wallet.checkAndDebit(debit(account, 151, "d1")).getDenialReason())
        .isEqualTo(DenialReason.DENIAL_REASON_INSUFFICIENT_BALANCE);

    CaptureReservationResponse captured =
        wallet.captureReservation(capture(account, reserved.getReservationId(), 120, "c1").build());

    assertThat(captured.getDebited()).isEqualTo(120);
    assertThat(captured.getReleased()).isEqualTo(30);
    assertThat(captured.getBalance()).isEqualTo(180);
    assertThat(tokens(account).getHeld()).isZero();
    List<LedgerEntry> entries =
        wallet.listLedgerEntries(ListLedgerEntriesRequest.newBuilder().setAccountId(account).build()).getEntriesList();
    // Newest first: the release, the capture, the hold, the grant.
    assertThat(entries)
        .extracting(LedgerEntry::getKind, LedgerEntry::getAmount, LedgerEntry::getHeldChange, LedgerEntry::getBalanceAfter)
        .containsExactly(
            tuple(EntryKind.ENTRY_KIND_RELEASE, 0L, -30L, 180L),
            tuple(EntryKind.ENTRY_KIND_CAPTURE, -120L, -120L, 150L),
            tuple(EntryKind.ENTRY_KIND_HOLD, 0L, 150L, 150L),
            tuple(EntryKind.ENTRY_KIND_GRANT, 300L, 0L, 300L));
    assertThat(entries.get(1).getFeature()).isEqualTo("image");
    // The capture's line names its debit (what ReverseDebit takes); the hold's and the release's none.
    assertThat(entries).extracting(LedgerEntry::getDebitId)
        .containsExactly("", captured.getDebitId(), "", "");

    // A captured debit is reversed like any other.
    assertThat(
            wallet.reverseDebit(
                    ReverseDebitRequest.newBuilder()
                        .setAccountId(account)
                        .setDebitId(captured.getDebitId())
                        .setAmount(20)
                        .setRequestId("rev1")
                        .build())
                .getBalance())
        .isEqualTo(200);
  }

  @Test
  void retriesReturnTheFirstAnswerAndAnotherPayloadConflicts() {
    ReserveResponse first = wallet.reserve(reserve(account, null, 100).setRequestId("r1").build());
    app.clock.advance(Duration.ofSeconds(3));
    assertThat(wallet.reserve(reserve(account, null, 100).setRequestId("r1").build())).isEqualTo(first);
    assertThat(tokens(account).getHeld()).isEqualTo(100);
    assertError(
        Status.Code.FAILED_PRECONDITION,
        "REQUEST_ID_CONFLICT",
        () -> wallet.reserve(reserve(account, null, 101).setRequestId("r1").build()));

    CaptureReservationResponse captured =
        wallet.captureReservation(capture(account, first.getReservationId(), 0, "c1").build());
    assertThat(captured.getDebited()).isEqualTo(100);
    assertThat(wallet.captureReservation(capture(account, first.getReservationId(), 0, "c1").build()))
        .isEqualTo(captured);
    assertError(
        Status.Code.FAILED_PRECONDITION,
        "RESERVATION_CAPTURED",
        () -> wallet.captureReservation(capture(account, first.getReservationId(), 0, "c2").build()));
    assertThat(tokens(account).getBalance()).isEqualTo(200);
  }

  @Test
  void overageRejectCapAndAllow() {
    String a = wallet.reserve(reserve(account, null, 50).setRequestId("r1").build()).getReservationId();
    assertError(
        Status.Code.FAILED_PRECONDITION,
        "CAPTURE_EXCEEDS_HOLD",
        () -> wallet.captureReservation(capture(account, a, 60, "c1").build()));
    assertThat(
            wallet.captureReservation(capture(account, a, 60, "c2").setOverage(Overage.OVERAGE_CAP).build())
                .getDebited())
        .isEqualTo(50);

    String b = wallet.reserve(reserve(account, null, 50).setRequestId("r2").build()).getReservationId();
    CaptureReservationResponse allowed =
        wallet.captureReservation(capture(account, b, 80, "c3").setOverage(Overage.OVERAGE_ALLOW).build());
    assertThat(allowed.getDebited()).isEqualTo(80);
    assertThat(allowed.getBalance()).isEqualTo(170);

    String c = wallet.reserve(reserve(account, null, 50).setRequestId("r3").build()).getReservationId();
    assertError(
        Status.Code.FAILED_PRECONDITION,
        "INSUFFICIENT_BALANCE",
        () -> wallet.captureReservation(capture(account, c, 500, "c4").setOverage(Overage.OVERAGE_ALLOW).build()));
    assertThat(tokens(account).getHeld()).isEqualTo(50);
  }

  @Test
  void aReleaseGivesItAllBackAndAnExpiredHoldIsNeverCapturedAndIsSweptBack() {
    String released = wallet.reserve(reserve(account, null, 70).setRequestId("r1").build()).getReservationId();
    ReleaseReservationResponse response = wallet.releaseReservation(release(account, released, "x1"));
    assertThat(response.getReleased()).isEqualTo(70);
    assertThat(response.getBalance()).isEqualTo(300);
    assertError(
        Status.Code.FAILED_PRECONDITION,
        "RESERVATION_RELEASED",
        () -> wallet.releaseReservation(release(account, released, "x2")));

    String expiring =
        wallet.reserve(reserve(account, null, 40).setTtlSeconds(60).setRequestId("r2").build()).getReservationId();
    app.clock.advance(Duration.ofSeconds(61));
    assertError(
        Status.Code.FAILED_PRECONDITION,
        "RESERVATION_EXPIRED",
        () -> wallet.captureReservation(capture(account, expiring, 0, "c1").build()));
    assertThat(tokens(account).getHeld()).isEqualTo(40);

    assertThat(app.bean(HoldService.class).releaseExpired()).isGreaterThanOrEqualTo(1);
    WalletBalance after = tokens(account);
    assertThat(after.getHeld()).isZero();
    assertThat(after.getBalance()).isEqualTo(300);
    LedgerEntry last =
        wallet.listLedgerEntries(ListLedgerEntriesRequest.newBuilder().setAccountId(account).setPageSize(1).build())
            .getEntries(0);
    assertThat(last.getKind()).isEqualTo(EntryKind.ENTRY_KIND_RELEASE);
    assertThat(last.getReason()).isEqualTo("hold expired");
  }

  @Test
  void twoHundredConcurrentReservesAgainstABalanceForOneHundredGiveExactlyOneHundredHolds() throws Exception {
    String busy = "hold-busy-" + UUID.randomUUID();
    grant(busy, 1000);
    ExecutorService pool = Executors.newFixedThreadPool(32);
    try {
      List<Callable<ReserveResponse>> calls = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String requestId = "c" + i;
        calls.add(() -> wallet.reserve(reserve(busy, null, 10).setRequestId(requestId).build()));
      }
      int allowed = 0;
      for (Future<ReserveResponse> call : pool.invokeAll(calls)) {
        if (call.get().getAllowed()) {
          allowed++;
        }
      }
      assertThat(allowed).isEqualTo(100);
      assertThat(tokens(busy).getHeld()).isEqualTo(1000);
      assertThat(tokens(busy).getBalance()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void badInputUnknownHoldsAndMissingScopesAreClearErrors() {
    assertInvalidField(
        "ttl_seconds",
        "TTL_OUT_OF_RANGE",
        () -> wallet.reserve(reserve(account, null, 10).setTtlSeconds(86_401).setRequestId("r1").build()));
    assertInvalidField(
        "reservation_id", "MISSING_FIELD", () -> wallet.captureReservation(capture(account, "", 0, "c1").build()));
    assertInvalidField(
        "overage",
        "UNKNOWN_ENUM_VALUE",
        () -> wallet.captureReservation(capture(account, "rsv_x", 0, "c2").setOverageValue(9).build()));
    assertError(
        Status.Code.NOT_FOUND,
        "RESERVATION_NOT_FOUND",
        () -> wallet.captureReservation(capture(account, "rsv_nope", 0, "c3").build()));
    assertThat(tokens(account).getBalance()).isEqualTo(300);

    String readOnly =
        AdminServiceGrpc.newBlockingStub(app.channel())
            .createApiKey(
                CreateApiKeyRequest.newBuilder()
                    .setName("read-only")
                    .addScopes("wallet:read")
                    .setRequestId("key-" + account)
                    .build())
            .getSecret();
    assertError(
        Status.Code.PERMISSION_DENIED,
        "SCOPE_MISSING",
        () ->
            WalletServiceGrpc.newBlockingStub(app.withKey(readOnly))
                .reserve(reserve(account, null, 10).setRequestId("r2").build()));
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  private void grant(String accountId, long amount) {
    wallet.grant(
        GrantRequest.newBuilder()
            .setAccountId(accountId)
            .setAsset(Asset.ASSET_TOKEN)
            .setAmount(amount)
            .setSource(GrantSource.GRANT_SOURCE_PURCHASE)
            .setRequestId("grant-" + accountId)
            .build());
  }

  private static ReserveRequest.Builder reserve(String accountId, String feature, long amount) {
    ReserveRequest.Builder request = ReserveRequest.newBuilder().setAccountId(accountId);
    return feature != null
        ? request.setFeature(feature)
        : request.setAsset(Asset.ASSET_TOKEN).setAmount(amount);
  }

  private static CaptureReservationRequest.Builder capture(
      String accountId, String reservationId, long amount, String requestId) {
    return CaptureReservationRequest.newBuilder()
        .setAccountId(accountId)
        .setReservationId(reservationId)
        .setAmount(amount)
        .setRequestId(requestId);
  }

  private static ReleaseReservationRequest release(String accountId, String reservationId, String requestId) {
    return ReleaseReservationRequest.newBuilder()
        .setAccountId(accountId)
        .setReservationId(reservationId)
        .setRequestId(requestId)
        .build();
  }

  private static CheckAndDebitRequest debit(String accountId, long amount, String requestId) {
    return CheckAndDebitRequest.newBuilder()
        .setAccountId(accountId)
        .setAsset(Asset.ASSET_TOKEN)
        .setAmount(amount)
        .setRequestId(requestId)
        .build();
  }

  private WalletBalance tokens(String accountId) {
    return wallet.getBalance(GetBalanceRequest.newBuilder().setAccountId(accountId).setAsset(Asset.ASSET_TOKEN).build())
        .getWallets(0);
  }
}
