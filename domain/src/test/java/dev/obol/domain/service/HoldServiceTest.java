package dev.obol.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

import dev.obol.domain.error.FailedPreconditionException;
import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.error.NotFoundException;
import dev.obol.domain.error.ObolException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.AccountStatus;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.DenialReason;
import dev.obol.domain.model.EntryKind;
import dev.obol.domain.model.FeatureCatalog;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.LedgerEntry;
import dev.obol.domain.model.LowBalancePolicy;
import dev.obol.domain.model.Overage;
import dev.obol.domain.model.Pricing;
import dev.obol.domain.model.RecordedEntry;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.Reservation;
import dev.obol.domain.port.Activity;
import dev.obol.domain.port.LedgerAudit.Check;
import dev.obol.domain.usecase.CaptureCommand;
import dev.obol.domain.usecase.CaptureReceipt;
import dev.obol.domain.usecase.CheckQuery;
import dev.obol.domain.usecase.DebitCommand;
import dev.obol.domain.usecase.DebitOutcome;
import dev.obol.domain.usecase.GrantCommand;
import dev.obol.domain.usecase.ReleaseCommand;
import dev.obol.domain.usecase.ReleaseReceipt;
import dev.obol.domain.usecase.ReserveCommand;
import dev.obol.domain.usecase.ReserveOutcome;
import dev.obol.domain.usecase.ReserveOutcome.Denied;
import dev.obol.domain.usecase.ReserveOutcome.Reserved;
import dev.obol.domain.usecase.ReverseDebitCommand;
import dev.obol.domain.usecase.WalletView;
import dev.obol.domain.testing.InMemoryAccountStore;
import dev.obol.domain.testing.InMemoryLedgerAudit;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.domain.testing.MutableClock;
import dev.obol.domain.testing.SequentialIds;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HoldServiceTest {

  static final Instant START = Instant.parse("2026-12-03T12:00:00Z");
  static final AccountId ALICE = AccountId.of("alice");

  final MutableClock clock = MutableClock.at(START);
  final InMemoryAccountStore store = new InMemoryAccountStore(clock);
  final SequentialIds ids = new SequentialIds();
  final WalletService wallets =
      new WalletService(store, store, FeatureCatalog.defaults(), LowBalancePolicy.defaults(), ids, clock);
  final HoldService holds =
      new HoldService(
          store, store, FeatureCatalog.defaults(), LowBalancePolicy.defaults(), ids, clock, Activity.NONE);
  final InMemoryLedgerAudit audit = new InMemoryLedgerAudit(store);

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant = LedgerInvariantExtension.over(audit, clock::instant);

  @Test
  void a_hold_takes_its_amount_out_of_the_available_balance_and_shows_as_held() {
    grant(300, null, "g1");

    Reserved reserved = (Reserved) reserve("image", 2, 0, "r1");

    assertThat(reserved.held()).isEqualTo(100);
    assertThat(reserved.balance()).isEqualTo(200);
    assertThat(reserved.expiresAt()).isEqualTo(START.plusSeconds(300));
    WalletView view = wallets.balances(ALICE, Asset.TOKEN).get(0);
    assertThat(view.balance()).isEqualTo(200);
    assertThat(view.held()).isEqualTo(100);
    assertThat(lastEntries(1))
        .extracting(e -> e.kind(), LedgerEntry::amount, LedgerEntry::heldChange, LedgerEntry::balanceAfter)
        .containsExactly(tuple(EntryKind.HOLD, 0L, 100L, 200L));
  }

  @Test
  void check_and_debit_never_spend_held_credit() {
    grant(100, null, "g1");
    reserve(null, 0, 80, "r1");

    assertThat(wallets.check(new CheckQuery(ALICE, Pricing.of("audio", 0, null, 0))).allowed()).isFalse();
    DebitOutcome outcome = debit("audio", "d1");
    assertThat(outcome).isInstanceOf(DebitOutcome.Denied.class);
    assertThat(outcome.balance()).isEqualTo(20);
    assertThat(debit(null, 20, "d2")).isInstanceOf(DebitOutcome.Debited.class);
  }

  @Test
  void a_hold_is_denied_like_a_debit_and_writes_nothing() {
    grant(40, null, "g1");
    InMemoryAccountStore.Snapshot before = store.snapshot();

    ReserveOutcome outcome = reserve("image", 1, 0, "r1");

    assertThat(outcome).isEqualTo(new Denied(DenialReason.INSUFFICIENT_BALANCE, Asset.TOKEN, 50, 40, true));
    assertThat(store.snapshot()).isEqualTo(before);
    store.setStatus(ALICE, AccountStatus.SUSPENDED);
    assertThat(((Denied) reserve(null, 0, 10, "r2")).reason()).isEqualTo(DenialReason.ACCOUNT_SUSPENDED);
    assertThat(((Denied) reserve(null, 0, 10, "r3", AccountId.of("nobody"))).reason())
        .isEqualTo(DenialReason.INSUFFICIENT_BALANCE);
  }

  @Test
  void a_hold_takes_from_grants_in_burn_order_and_a_capture_debits_those_very_grants_and_releases_the_rest() {
    grant(30, START.plus(Duration.ofDays(1)), "soon"); // burns first: earliest expiry
    grant(100, null, "never");
    Reserved reserved = (Reserved) reserve(null, 0, 80, "r1");
    assertThat(store.reservation(ALICE, reserved.reservationId()).orElseThrow().allocations())
        .extracting(a -> a.amount())
        .containsExactly(30L, 50L);

    CaptureReceipt receipt = capture(reserved.reservationId(), 40, Overage.REJECT, "c1");

    assertThat(receipt.debited()).isEqualTo(40);
    assertThat(receipt.released()).isEqualTo(40);
    assertThat(receipt.balance()).isEqualTo(90);
    // 30 from the first grant and 10 from the second are debited; the second's other 40 go back.
    assertThat(lastEntries(3))
        .extracting(LedgerEntry::kind, LedgerEntry::amount, LedgerEntry::heldChange)
        .containsExactly(
            tuple(EntryKind.CAPTURE, -30L, -30L),
            tuple(EntryKind.CAPTURE, -10L, -10L),
            tuple(EntryKind.RELEASE, 0L, -40L));
    assertThat(lastEntries(3).get(0).operationId()).isEqualTo(receipt.debitId());
    assertThat(lastEntries(1).get(0).operationId()).isEqualTo(reserved.reservationId());
    WalletView view = wallets.balances(ALICE, Asset.TOKEN).get(0);
    assertThat(view.held()).isZero();
    assertThat(view.balance()).isEqualTo(90);
    assertThat(store.reservation(ALICE, reserved.reservationId()).orElseThrow().status())
        .isEqualTo(Reservation.Status.CAPTURED);
  }

  @Test
  void a_capture_of_zero_takes_all_held_and_a_captured_debit_can_be_reversed() {
    grant(100, null, "g1");
    Reserved reserved = (Reserved) reserve(null, 0, 60, "r1");

    CaptureReceipt receipt = capture(reserved.reservationId(), 0, Overage.REJECT, "c1");
    assertThat(receipt.debited()).isEqualTo(60);
    assertThat(receipt.released()).isZero();

    var reversal =
        wallets.reverseDebit(
            new ReverseDebitCommand(ALICE, receipt.debitId(), 0, "refund", RequestId.of("rev-1")));
    assertThat(reversal.reversed()).isEqualTo(60);
    assertThat(reversal.balance()).isEqualTo(100);
  }

  @Test
  void overage_reject_refuses_cap_captures_the_hold_and_allow_takes_the_excess_or_is_refused() {
    grant(100, null, "g1");
    String first = ((Reserved) reserve(null, 0, 30, "r1")).reservationId();

    Throwable rejected = catchThrowable(() -> capture(first, 31, Overage.REJECT, "c1"));
    assertThat(rejected).isInstanceOf(FailedPreconditionException.class);
    assertThat(((ObolException) rejected).reason()).isEqualTo("CAPTURE_EXCEEDS_HOLD");

    CaptureReceipt capped = capture(first, 50, Overage.CAP, "c2");
    assertThat(capped.debited()).isEqualTo(30);
    assertThat(capped.balance()).isEqualTo(70);

    String second = ((Reserved) reserve(null, 0, 30, "r2")).reservationId();
    CaptureReceipt allowed = capture(second, 50, Overage.ALLOW, "c3");
    assertThat(allowed.debited()).isEqualTo(50);
    assertThat(allowed.balance()).isEqualTo(20);

    String third = ((Reserved) reserve(null, 0, 10, "r3")).reservationId();
    Throwable short_ = catchThrowable(() -> capture(third, 40, Overage.ALLOW, "c4"));
    assertThat(((ObolException) short_).reason()).isEqualTo("INSUFFICIENT_BALANCE");
    // Refused as a debit would be: the hold stays open and capturable.
    assertThat(capture(third, 10, Overage.REJECT, "c5").debited()).isEqualTo(10);
  }

  @Test
  void a_retry_returns_the_first_answer_and_another_payload_conflicts() {
    grant(100, null, "g1");
    Reserved first = (Reserved) reserve(null, 0, 30, "r1");
    clock.advance(Duration.ofSeconds(5));
    assertThat(reserve(null, 0, 30, "r1")).isEqualTo(first);
    assertThat(wallets.balances(ALICE, Asset.TOKEN).get(0).held()).isEqualTo(30);
    Throwable conflict = catchThrowable(() -> reserve(null, 0, 31, "r1"));
    assertThat(((ObolException) conflict).reason()).isEqualTo("REQUEST_ID_CONFLICT");

    CaptureReceipt captured = capture(first.reservationId(), 10, Overage.REJECT, "c1");
    assertThat(capture(first.reservationId(), 10, Overage.REJECT, "c1")).isEqualTo(captured);
    Throwable again = catchThrowable(() -> capture(first.reservationId(), 10, Overage.REJECT, "c2"));
    assertThat(((ObolException) again).reason()).isEqualTo("RESERVATION_CAPTURED");
  }

  @Test
  void a_release_gives_everything_back_once() {
    grant(100, null, "g1");
    String id = ((Reserved) reserve(null, 0, 70, "r1")).reservationId();

    ReleaseReceipt receipt = holds.release(new ReleaseCommand(ALICE, id, RequestId.of("x1")));

    assertThat(receipt).isEqualTo(new ReleaseReceipt(70, 100));
    assertThat(holds.release(new ReleaseCommand(ALICE, id, RequestId.of("x1")))).isEqualTo(receipt);
    Throwable twice = catchThrowable(() -> holds.release(new ReleaseCommand(ALICE, id, RequestId.of("x2"))));
    assertThat(((ObolException) twice).reason()).isEqualTo("RESERVATION_RELEASED");
    Throwable capture = catchThrowable(() -> capture(id, 1, Overage.REJECT, "c1"));
    assertThat(((ObolException) capture).reason()).isEqualTo("RESERVATION_RELEASED");
    Throwable unknown = catchThrowable(() -> capture("rsv_nope", 1, Overage.REJECT, "c2"));
    assertThat(unknown).isInstanceOf(NotFoundException.class);
    assertThat(((ObolException) unknown).reason()).isEqualTo("RESERVATION_NOT_FOUND");
  }

  @Test
  void an_expired_hold_is_never_capturable_and_the_sweeper_releases_it() {
    grant(100, null, "g1");
    String id = ((Reserved) reserve(null, 0, 70, "r1", ALICE, 60)).reservationId();
    clock.advance(Duration.ofSeconds(60));

    Throwable late = catchThrowable(() -> capture(id, 10, Overage.REJECT, "c1"));
    assertThat(((ObolException) late).reason()).isEqualTo("RESERVATION_EXPIRED");
    assertThat(wallets.balances(ALICE, Asset.TOKEN).get(0).held()).isEqualTo(70);

    assertThat(holds.releaseExpired()).isEqualTo(1);
    assertThat(holds.releaseExpired()).isZero();
    WalletView view = wallets.balances(ALICE, Asset.TOKEN).get(0);
    assertThat(view.held()).isZero();
    assertThat(view.balance()).isEqualTo(100);
    assertThat(store.reservation(ALICE, id).orElseThrow().status()).isEqualTo(Reservation.Status.EXPIRED);
    assertThat(lastEntries(1).get(0).reason()).isEqualTo("hold expired");
    Throwable after = catchThrowable(() -> capture(id, 10, Overage.REJECT, "c2"));
    assertThat(((ObolException) after).reason()).isEqualTo("RESERVATION_EXPIRED");
  }

  @Test
  void a_grant_expiring_under_a_hold_keeps_the_held_part_until_capture_and_expires_what_is_released() {
    grant(100, START.plus(Duration.ofMinutes(10)), "g1");
    String id = ((Reserved) reserve(null, 0, 60, "r1", ALICE, 3600)).reservationId();
    clock.advance(Duration.ofMinutes(11));
    new ExpirySweeper(store, store, clock).sweep();

    WalletView view = wallets.balances(ALICE, Asset.TOKEN).get(0);
    assertThat(view.balance()).isZero();
    assertThat(view.held()).isEqualTo(60);

    CaptureReceipt receipt = capture(id, 45, Overage.REJECT, "c1");
    assertThat(receipt.debited()).isEqualTo(45);
    assertThat(receipt.released()).isEqualTo(15);
    assertThat(receipt.balance()).isZero();
    // The 15 given back to the expired grant expire at once, explained by their own entry.
    assertThat(lastEntries(1).get(0).kind()).isEqualTo(EntryKind.EXPIRY);
    assertThat(lastEntries(1).get(0).amount()).isEqualTo(-15);
  }

  @Test
  void ttl_outside_its_range_is_bad_input() {
    Throwable tooLong =
        catchThrowable(
            () -> new ReserveCommand(ALICE, Pricing.of(null, 0, Asset.TOKEN, 1), 86_401, RequestId.of("r"), Map.of()));
    assertThat(tooLong).isInstanceOf(InvalidArgumentException.class);
    assertThat(((InvalidArgumentException) tooLong).reason()).isEqualTo("TTL_OUT_OF_RANGE");
    assertThat(new ReserveCommand(ALICE, Pricing.of(null, 0, Asset.TOKEN, 1), 0, RequestId.of("r"), Map.of())
            .ttlSeconds())
        .isEqualTo(300);
  }

  @Test
  void two_hundred_concurrent_reserves_against_a_balance_for_one_hundred_give_exactly_one_hundred_holds()
      throws Exception {
    grant(100 * 10, null, "g1");
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Callable<ReserveOutcome>> calls = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String requestId = "r" + i;
        calls.add(() -> reserve(null, 0, 10, requestId));
      }
      long reserved = 0;
      for (Future<ReserveOutcome> f : pool.invokeAll(calls)) {
        if (f.get() instanceof Reserved) {
          reserved++;
        }
      }
      assertThat(reserved).isEqualTo(100);
      assertThat(wallets.balances(ALICE, Asset.TOKEN).get(0).held()).isEqualTo(1000);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void the_audit_fails_when_a_grants_held_part_disagrees_with_its_entries_or_the_open_holds() {
    grant(100, null, "g1");
    String id = ((Reserved) reserve(null, 0, 40, "r1")).reservationId();
    assertThat(audit.check(ALICE, Asset.TOKEN, clock.instant()).holds()).isTrue();
    // Closing the hold behind the service's back (its grant still holds 40) is what check (f) is for.
    store.inTransaction(
        ALICE,
        dev.obol.domain.port.AccountStore.LockMode.EXISTING,
        session -> {
          Reservation open = session.findReservation(id).orElseThrow();
          session.closeReservation(open.closed(Reservation.Status.RELEASED, null, 0, clock.instant()));
          return null;
        });
    var report = audit.check(ALICE, Asset.TOKEN, clock.instant());
    assertThat(report.violationsOf(Check.HELD_MATCHES_OPEN_HOLDS)).hasSize(1);
    ledgerInvariant.ignore(ALICE);
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  void grant(long amount, Instant expiresAt, String requestId) {
    wallets.grant(
        GrantCommand.of(ALICE, Asset.TOKEN, amount, GrantSource.PURCHASE, "test", RequestId.of(requestId))
            .withExpiry(expiresAt));
  }

  ReserveOutcome reserve(String feature, long quantity, long amount, String requestId) {
    return reserve(feature, quantity, amount, requestId, ALICE);
  }

  ReserveOutcome reserve(String feature, long quantity, long amount, String requestId, AccountId account) {
    return reserve(feature, quantity, amount, requestId, account, 0);
  }

  ReserveOutcome reserve(
      String feature, long quantity, long amount, String requestId, AccountId account, long ttlSeconds) {
    Pricing pricing = Pricing.of(feature, quantity, feature == null ? Asset.TOKEN : null, amount);
    return holds.reserve(new ReserveCommand(account, pricing, ttlSeconds, RequestId.of(requestId), Map.of()));
  }

  CaptureReceipt capture(String reservationId, long amount, Overage overage, String requestId) {
    return holds.capture(new CaptureCommand(ALICE, reservationId, amount, overage, RequestId.of(requestId)));
  }

  DebitOutcome debit(String feature, String requestId) {
    return wallets.checkAndDebit(
        new DebitCommand(ALICE, Pricing.of(feature, 0, null, 0), RequestId.of(requestId), Map.of()));
  }

  DebitOutcome debit(String feature, long amount, String requestId) {
    return wallets.checkAndDebit(
        new DebitCommand(ALICE, Pricing.of(null, 0, Asset.TOKEN, amount), RequestId.of(requestId), Map.of()));
  }

  List<LedgerEntry> lastEntries(int count) {
    List<RecordedEntry> all = store.entries(ALICE);
    return all.subList(all.size() - count, all.size()).stream().map(RecordedEntry::entry).toList();
  }
}
