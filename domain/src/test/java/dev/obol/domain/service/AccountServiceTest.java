package dev.obol.domain.service;

import static dev.obol.domain.testing.ObolAssertions.assertFails;
import static dev.obol.domain.testing.ObolAssertions.assertInvalidArgument;
import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.domain.error.FailedPreconditionException;
import dev.obol.domain.error.NotFoundException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.AccountStatus;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.DenialReason;
import dev.obol.domain.model.EntryKind;
import dev.obol.domain.model.FeatureCatalog;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.LowBalancePolicy;
import dev.obol.domain.model.Notification;
import dev.obol.domain.model.NotificationType;
import dev.obol.domain.model.Pricing;
import dev.obol.domain.model.RecordedEntry;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.SeatCount;
import dev.obol.domain.model.SeatFeeFormula;
import dev.obol.domain.usecase.ChargeRunSummary;
import dev.obol.domain.usecase.DebitCommand;
import dev.obol.domain.usecase.DebitOutcome;
import dev.obol.domain.usecase.GrantCommand;
import dev.obol.domain.usecase.MonthlyChargeCommand;
import dev.obol.domain.usecase.SetSeatCountCommand;
import dev.obol.domain.usecase.Standing;
import dev.obol.domain.usecase.StatusChangeCommand;
import dev.obol.domain.port.AccountStore.LockMode;
import dev.obol.domain.testing.InMemoryAccountStore;
import dev.obol.domain.testing.InMemoryLedgerAudit;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.domain.testing.MutableClock;
import dev.obol.domain.testing.SequentialIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AccountServiceTest {

  static final AccountId TEACHER = AccountId.of("teacher");
  static final Instant NOV = Instant.parse("2026-11-01T00:05:00Z");

  final MutableClock clock = MutableClock.at(NOV);
  final InMemoryAccountStore store = new InMemoryAccountStore(clock);
  final SequentialIds ids = new SequentialIds();
  final SeatFeeLadder ladder = new SeatFeeLadder(SeatFeeFormula.defaults(), ids);
  final WalletService wallets =
      new WalletService(
          store,
          store,
          FeatureCatalog.defaults(),
          LowBalancePolicy.defaults(),
          ids,
          clock,
          new GrantWriter(ids, List.of(ladder)),
          List.of(ladder));
  final AccountService seats = new AccountService(store, store, ladder, clock);
  int requests;

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant =
      LedgerInvariantExtension.over(new InMemoryLedgerAudit(store), clock::instant);

  @Test
  void a_charge_the_balance_covers_is_one_fee_entry_and_a_charge_succeeded_event() {
    topUp(2000);
    setSeats(3); // 900

    ChargeRunSummary run = runCharges(NOV, "run-1");

    assertThat(run).isEqualTo(new ChargeRunSummary(run.period(), 1, 0, 0, 0, List.of()));
    assertThat(run.period()).hasToString("2026-11");
    List<RecordedEntry> fees = entries(EntryKind.FEE);
    assertThat(fees).hasSize(1);
    assertThat(fees.get(0).entry().amount()).isEqualTo(-900);
    assertThat(fees.get(0).entry().balanceAfter()).isEqualTo(1100);
    assertThat(fees.get(0).entry().reason()).isEqualTo("seat fee 2026-11 (3 seats)");
    Standing standing = seats.standing(TEACHER);
    assertThat(standing.status()).isEqualTo(AccountStatus.ACTIVE);
    assertThat(standing.balanceCents()).isEqualTo(1100);
    assertThat(standing.monthsRemaining()).isEqualTo(1);
    assertThat(standing.canAffordNextMonth()).isTrue();
    assertThat(standing.lastChargeAt()).isEqualTo(NOV);
    assertThat(standing.nextChargeAt()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
    assertThat(types()).endsWith(NotificationType.CHARGE_SUCCEEDED);
  }

  @Test
  void a_second_run_skips_and_a_retried_run_answers_as_the_first_time() {
    topUp(5000);
    setSeats(1);

    ChargeRunSummary first = runCharges(NOV, "run-1");
    ChargeRunSummary retry = runCharges(NOV.plusSeconds(60), "run-1");
    ChargeRunSummary other = runCharges(NOV.plusSeconds(120), "run-2");

    assertThat(first.charged()).isEqualTo(1);
    assertThat(retry).isEqualTo(first);
    assertThat(other.charged()).isZero();
    assertThat(other.skipped()).isEqualTo(1);
    assertThat(entries(EntryKind.FEE)).hasSize(1);
    assertFails(
        () -> runCharges(Instant.parse("2026-10-15T00:00:00Z"), "run-1"),
        FailedPreconditionException.class,
        "REQUEST_ID_CONFLICT");
  }

  @Test
  void an_unpaid_charge_leaves_the_balance_owes_the_fee_and_denies_paid_features_until_a_covering_top_up() {
    topUp(600);
    setSeats(2); // 700

    ChargeRunSummary run = runCharges(NOV, "run-1");

    assertThat(run.failed()).isEqualTo(1);
    assertThat(entries(EntryKind.FEE)).isEmpty();
    Standing standing = seats.standing(TEACHER);
    assertThat(standing.status()).isEqualTo(AccountStatus.INSUFFICIENT_FUNDS);
    assertThat(standing.balanceCents()).isEqualTo(600);
    assertThat(standing.owedCents()).isEqualTo(700);
    assertThat(standing.canAffordNextMonth()).isFalse();
    assertThat(standing.monthsRemaining()).isZero();
    assertThat(debitEur(10)).isInstanceOfSatisfying(
        DebitOutcome.Denied.class, d -> assertThat(d.reason()).isEqualTo(DenialReason.ACCOUNT_INSUFFICIENT_FUNDS));
    assertThat(types())
        .containsSubsequence(
            NotificationType.BALANCE_LOW, NotificationType.CHARGE_FAILED, NotificationType.ACCOUNT_INSUFFICIENT_FUNDS);

    topUp(50); // 650 < 700: nothing collected
    assertThat(seats.standing(TEACHER).status()).isEqualTo(AccountStatus.INSUFFICIENT_FUNDS);

    topUp(2000); // 2650: collects 700 at once
    standing = seats.standing(TEACHER);
    assertThat(standing.status()).isEqualTo(AccountStatus.ACTIVE);
    assertThat(standing.owedCents()).isZero();
    assertThat(standing.balanceCents()).isEqualTo(1950);
    // One FEE entry per grant it burned, all of one charge.
    assertThat(entries(EntryKind.FEE).stream().mapToLong(e -> e.entry().amount()).sum()).isEqualTo(-700);
    assertThat(entries(EntryKind.FEE).stream().map(e -> e.entry().operationId()).distinct()).hasSize(1);
    assertThat(debitEur(10)).isInstanceOf(DebitOutcome.Debited.class);
    assertThat(types())
        .containsSubsequence(
            NotificationType.CREDITS_GRANTED, NotificationType.CHARGE_SUCCEEDED, NotificationType.ACCOUNT_REINSTATED);
    // The period stays charged: the next run skips it.
    assertThat(runCharges(NOV.plusSeconds(60), "run-2").skipped()).isEqualTo(1);
  }

  @Test
  void a_suspension_is_not_lifted_by_a_top_up_only_by_an_operator() {
    topUp(100);
    setSeats(1);
    runCharges(NOV, "run-1"); // owes 500
    seats.suspend(new StatusChangeCommand(TEACHER, "chargeback investigation", RequestId.of("s-1")));

    topUp(5000); // collects the 500, still suspended
    Standing standing = seats.standing(TEACHER);
    assertThat(standing.status()).isEqualTo(AccountStatus.SUSPENDED);
    assertThat(standing.owedCents()).isZero();
    assertThat(debitEur(10)).isInstanceOfSatisfying(
        DebitOutcome.Denied.class, d -> assertThat(d.reason()).isEqualTo(DenialReason.ACCOUNT_SUSPENDED));

    assertThat(seats.reinstate(new StatusChangeCommand(TEACHER, "cleared", RequestId.of("r-1"))).status())
        .isEqualTo(AccountStatus.ACTIVE);
    assertThat(debitEur(10)).isInstanceOf(DebitOutcome.Debited.class);
    assertThat(types()).contains(NotificationType.ACCOUNT_SUSPENDED, NotificationType.ACCOUNT_REINSTATED);
  }

  @Test
  void reinstating_with_a_charge_still_owed_leaves_the_account_insufficient_funds() {
    topUp(100);
    setSeats(1);
    seats.suspend(new StatusChangeCommand(TEACHER, null, RequestId.of("s-1")));
    runCharges(NOV, "run-1"); // owed; a suspension outranks INSUFFICIENT_FUNDS
    assertThat(seats.standing(TEACHER).status()).isEqualTo(AccountStatus.SUSPENDED);

    assertThat(seats.reinstate(new StatusChangeCommand(TEACHER, null, RequestId.of("r-1"))).status())
        .isEqualTo(AccountStatus.INSUFFICIENT_FUNDS);
  }

  @Test
  void the_low_balance_flag_is_raised_once_per_period_and_cleared_by_a_covering_top_up() {
    topUp(1000);
    setSeats(2); // 700: covered
    assertThat(seats.standing(TEACHER).lowBalanceAlerted()).isFalse();

    debitEur(400); // 600 < 700
    debitEur(100);
    debitEur(100);
    assertThat(seats.standing(TEACHER).lowBalanceAlerted()).isTrue();
    assertThat(types()).filteredOn(t -> t == NotificationType.BALANCE_LOW).hasSize(1);

    topUp(500); // 900 >= 700
    assertThat(seats.standing(TEACHER).lowBalanceAlerted()).isFalse();

    setSeats(5); // 1300 > 900: flagged again, but already announced this period
    assertThat(seats.standing(TEACHER).lowBalanceAlerted()).isTrue();
    assertThat(types()).filteredOn(t -> t == NotificationType.BALANCE_LOW).hasSize(1);

    clock.set(Instant.parse("2026-12-01T00:05:00Z"));
    runCharges(clock.instant(), "run-dec"); // fails, and reminds once in the new period
    assertThat(types()).filteredOn(t -> t == NotificationType.BALANCE_LOW).hasSize(2);
  }

  @Test
  void two_runs_at_once_charge_each_account_once() throws Exception {
    List<AccountId> teachers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      AccountId teacher = AccountId.of("t-" + i);
      teachers.add(teacher);
      wallets.grant(
          GrantCommand.of(teacher, Asset.EUR, 10_000, GrantSource.TOP_UP, null, RequestId.of("g")));
      seats.setSeatCount(new SetSeatCountCommand(teacher, SeatCount.of(2), RequestId.of("s")));
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<ChargeRunSummary>> runs = new ArrayList<>();
    for (String id : List.of("run-a", "run-b")) {
      Callable<ChargeRunSummary> run =
          () -> {
            start.await();
            return seats.runMonthlyCharges(new MonthlyChargeCommand(NOV, RequestId.of(id)));
          };
      runs.add(pool.submit(run));
    }
    start.countDown();
    long charged = 0;
    long skipped = 0;
    for (Future<ChargeRunSummary> run : runs) {
      ChargeRunSummary summary = run.get(30, TimeUnit.SECONDS);
      charged += summary.charged();
      skipped += summary.skipped();
    }
    pool.shutdown();

    assertThat(charged).isEqualTo(20);
    assertThat(skipped).isEqualTo(20);
    for (AccountId teacher : teachers) {
      assertThat(store.seatCharges(teacher)).hasSize(1);
      assertThat(store.entries(teacher).stream().filter(e -> e.entry().kind() == EntryKind.FEE)).hasSize(1);
    }
  }

  @Test
  void an_account_whose_charge_breaks_is_rolled_back_and_reported_while_the_others_are_charged() {
    for (String id : List.of("a", "b", "c")) {
      AccountId teacher = AccountId.of(id);
      wallets.grant(
          GrantCommand.of(teacher, Asset.EUR, 1000, GrantSource.TOP_UP, null, RequestId.of("g")));
      seats.setSeatCount(new SetSeatCountCommand(teacher, SeatCount.of(1), RequestId.of("s")));
    }
    AccountId broken = AccountId.of("b");
    List<AccountId> reported = new ArrayList<>();
    dev.obol.domain.port.AccountStore flaky =
        new dev.obol.domain.port.AccountStore() {
          @Override
          public <T> T inTransaction(
              AccountId accountId,
              LockMode mode,
              java.util.function.Function<dev.obol.domain.port.AccountSession, T> work) {
            if (accountId.equals(broken)) {
              throw new IllegalStateException("connection reset");
            }
            return store.inTransaction(accountId, mode, work);
          }
        };
    AccountService service =
        new AccountService(flaky, store, ladder, clock, (accountId, period, error) -> reported.add(accountId));

    ChargeRunSummary run = service.runMonthlyCharges(new MonthlyChargeCommand(NOV, RequestId.of("run")));

    assertThat(run.charged()).isEqualTo(2);
    assertThat(run.errored()).isEqualTo(1);
    assertThat(run.erroredAccountIds()).containsExactly(broken);
    assertThat(reported).containsExactly(broken);
    assertThat(store.seatCharges(broken)).isEmpty();
    // A re-run once it works charges what is left.
    assertThat(runCharges(NOV, "run-again").charged()).isEqualTo(1);
  }

  @Test
  void bad_input_and_unknown_accounts() {
    assertInvalidArgument(
        () -> runCharges(Instant.parse("2026-12-01T00:00:00Z"), "future"), "as_of", "PERIOD_IN_FUTURE");
    assertFails(() -> seats.standing(AccountId.of("nobody")), NotFoundException.class, "ACCOUNT_NOT_FOUND");
    assertFails(
        () -> seats.suspend(new StatusChangeCommand(AccountId.of("nobody"), null, RequestId.of("x"))),
        NotFoundException.class,
        "ACCOUNT_NOT_FOUND");
  }

  @Test
  void zero_seats_are_never_charged() {
    topUp(1000);
    setSeats(2);
    setSeats(0);
    ChargeRunSummary run = runCharges(NOV, "run-1");
    assertThat(run).isEqualTo(new ChargeRunSummary(run.period(), 0, 0, 0, 0, List.of()));
    Standing standing = seats.standing(TEACHER);
    assertThat(standing.monthlyFeeCents()).isZero();
    assertThat(standing.monthsRemaining()).isZero();
    assertThat(standing.nextChargeAt()).isNull();
    assertThat(standing.canAffordNextMonth()).isTrue();
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  private void topUp(long cents) {
    wallets.grant(
        GrantCommand.of(TEACHER, Asset.EUR, cents, GrantSource.TOP_UP, "top-up", nextRequest()));
  }

  private void setSeats(long count) {
    seats.setSeatCount(new SetSeatCountCommand(TEACHER, SeatCount.of(count), nextRequest()));
  }

  private DebitOutcome debitEur(long cents) {
    return wallets.checkAndDebit(
        new DebitCommand(TEACHER, new Pricing.ByAmount(Asset.EUR, cents), nextRequest(), null));
  }

  private ChargeRunSummary runCharges(Instant asOf, String requestId) {
    return seats.runMonthlyCharges(new MonthlyChargeCommand(asOf, RequestId.of(requestId)));
  }

  private RequestId nextRequest() {
    return RequestId.of("req-" + ++requests);
  }

  private List<RecordedEntry> entries(EntryKind kind) {
    return store.entries(TEACHER).stream().filter(e -> e.entry().kind() == kind).toList();
  }

  private List<NotificationType> types() {
    return store.notifications(TEACHER).stream().map(Notification::type).toList();
  }
}
