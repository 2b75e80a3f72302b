package dev.obol.domain.service;

import static dev.obol.domain.model.Notification.data;

import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.error.ObolException;
import dev.obol.domain.model.Account;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.AccountStatus;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.ChargePeriod;
import dev.obol.domain.model.EntryContext;
import dev.obol.domain.model.NotificationType;
import dev.obol.domain.model.Operation;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.SeatCharge;
import dev.obol.domain.model.SeatPlan;
import dev.obol.domain.model.Validate;
import dev.obol.domain.model.Wallet;
import dev.obol.domain.usecase.AccountUseCases;
import dev.obol.domain.usecase.ChargeOutcome;
import dev.obol.domain.usecase.ChargeRunSummary;
import dev.obol.domain.usecase.MonthlyChargeCommand;
import dev.obol.domain.usecase.SeatCountReceipt;
import dev.obol.domain.usecase.SetSeatCountCommand;
import dev.obol.domain.usecase.Standing;
import dev.obol.domain.usecase.StatusChangeCommand;
import dev.obol.domain.usecase.StatusReceipt;
import dev.obol.domain.port.AccountSession;
import dev.obol.domain.port.AccountStore;
import dev.obol.domain.port.Activity;
import dev.obol.domain.port.AccountStore.LockMode;
import dev.obol.domain.port.SeatAccounts;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The account use cases served by obol.v1.AccountService: seat count and the monthly seat fee (its rules are the
 * {@link SeatFeeLadder}'s), standing, suspend and reinstate. Each write is one transaction on one locked account; the
 * monthly charge walks the accounts with seats and charges each in a transaction of its own (no cross-account
 * transaction, design.md Scale-out).
 */
public final class AccountService implements AccountUseCases {

  /** Accounts per page of the charge run's work list. */
  public static final int BATCH_SIZE = 500;

  /**
   * A run's request id is stored per account in the request log, under this prefix so it never collides with the
   * caller's own request ids on that account (a debit's "r-1" and a charge run's "r-1" are different requests).
   */
  static final String RUN_REQUEST_PREFIX = "monthly-charges:";

  private final AccountStore store;
  private final SeatAccounts seatAccounts;
  private final SeatFeeLadder ladder;
  private final Clock clock;
  private final ChargeErrorListener errors;
  private final Activity activity;

  /**
   * Hears about an account whose charge failed unexpectedly (its transaction rolled back); the run goes on with the
   * others, so one broken account never blocks everyone's charge. The app logs it.
   */
  public interface ChargeErrorListener {
    void chargeFailed(AccountId accountId, ChargePeriod period, RuntimeException error);
  }

  public AccountService(
      AccountStore store, SeatAccounts seatAccounts, SeatFeeLadder ladder, Clock clock, ChargeErrorListener errors) {
    this(store, seatAccounts, ladder, clock, errors, Activity.NONE);
  }

  /** @param activity told each account's first outcome of a charge run once its transaction committed */
  public AccountService(
      AccountStore store,
      SeatAccounts seatAccounts,
      SeatFeeLadder ladder,
      Clock clock,
      ChargeErrorListener errors,
      Activity activity) {
    this.activity = activity;
    this.store = store;
    this.seatAccounts = seatAccounts;
    this.ladder = ladder;
    this.clock = clock;
    this.errors = errors;
  }

  public AccountService(AccountStore store, SeatAccounts seatAccounts, SeatFeeLadder ladder, Clock clock) {
    this(store, seatAccounts, ladder, clock, (accountId, period, error) -> {});
  }

  @Override
  public SeatCountReceipt setSeatCount(SetSeatCountCommand command) {
    // Priced before the transaction: a fee that would overflow fails without touching the database.
    long feeCents = ladder.formula().feeCents(command.seatCount());
    Instant now = now();
    String fingerprint = command.fingerprint();
    return Idempotent.write(
        store,
        command.accountId(),
        LockMode.CREATE_IF_MISSING,
        null,
        new Idempotent.Request(command.requestId(), Operation.SET_SEAT_COUNT, fingerprint, now),
        session -> {
          session.saveSeatPlan(session.seatPlan().withSeatCount(command.seatCount()));
          Wallet wallet = eurWallet(session, command.requestId().value(), now);
          ladder.evaluateLowBalance(session, wallet.balance(), now);
          session.save(wallet);
          return new SeatCountReceipt(command.seatCount().value(), feeCents);
        });
  }

  @Override
  public Standing standing(AccountId accountId) {
    Instant now = now();
    return store.inTransaction(
        accountId,
        LockMode.EXISTING,
        session -> {
          Account account = session.account().orElseThrow(() -> Accounts.notFound(accountId));
          SeatPlan plan = session.seatPlan();
          long feeCents = ladder.formula().feeCents(plan.seatCount());
          long balanceCents = session.loadWallet(Asset.EUR, Set.of()).liveBalanceAt(now);
          long owedCents = SeatFeeLadder.owedCents(session.owedSeatCharges());
          return Standing.of(
              account.status(),
              plan.seatCount().value(),
              feeCents,
              balanceCents,
              owedCents,
              session.lastSeatCharge().map(SeatCharge::chargedAt).orElse(null),
              plan.lowBalanceAlerted(),
              now);
        });
  }

  @Override
  public StatusReceipt suspend(StatusChangeCommand command) {
    Instant now = now();
    String fingerprint = command.suspendFingerprint();
    return Idempotent.write(
        store,
        command.accountId(),
        LockMode.EXISTING,
        null,
        new Idempotent.Request(command.requestId(), Operation.SUSPEND_ACCOUNT, fingerprint, now),
        session -> suspend(session, command, now));
  }

  @Override
  public StatusReceipt reinstate(StatusChangeCommand command) {
    Instant now = now();
    String fingerprint = command.reinstateFingerprint();
    return Idempotent.write(
        store,
        command.accountId(),
        LockMode.EXISTING,
        null,
        new Idempotent.Request(command.requestId(), Operation.REINSTATE_ACCOUNT, fingerprint, now),
        session -> reinstate(session, command, now));
  }

  private StatusReceipt suspend(AccountSession session, StatusChangeCommand command, Instant now) {
    Account account = session.account().orElseThrow(() -> Accounts.notFound(command.accountId()));
    if (account.status() != AccountStatus.SUSPENDED) {
      session.setStatus(AccountStatus.SUSPENDED);
      session.saveSeatPlan(session.seatPlan().withStatusReason(command.reason()));
      ladder.publish(
          session,
          NotificationType.ACCOUNT_SUSPENDED,
          now,
          data("status", "SUSPENDED", "previous_status", account.status().name(), "by", "operator",
              "reason", command.reason()));
    }
    return new StatusReceipt(AccountStatus.SUSPENDED);
  }

  private StatusReceipt reinstate(AccountSession session, StatusChangeCommand command, Instant now) {
    Account account = session.account().orElseThrow(() -> Accounts.notFound(command.accountId()));
    // Reinstating an account that is not suspended changes nothing: the ladder, not an operator, owns
    // INSUFFICIENT_FUNDS (it ends when what is owed is paid).
    if (account.status() == AccountStatus.SUSPENDED) {
      Wallet wallet = eurWallet(session, command.requestId().value(), now);
      boolean nothingOwed = ladder.collectOwedIfCovered(session, wallet, command.requestId().value(), now);
      AccountStatus status = nothingOwed ? AccountStatus.ACTIVE : AccountStatus.INSUFFICIENT_FUNDS;
      session.setStatus(status);
      session.saveSeatPlan(session.seatPlan().withStatusReason(command.reason()));
      ladder.publish(
          session,
          NotificationType.ACCOUNT_REINSTATED,
          now,
          data("status", status.name(), "previous_status", "SUSPENDED", "by", "operator",
              "reason", command.reason()));
      if (!nothingOwed) {
        ladder.publish(
            session,
            NotificationType.ACCOUNT_INSUFFICIENT_FUNDS,
            now,
            data("owed", SeatFeeLadder.owedCents(session.owedSeatCharges()), "balance", wallet.balance()));
      }
      ladder.evaluateLowBalance(session, wallet.balance(), now);
      session.save(wallet);
    }
    return new StatusReceipt(session.account().orElseThrow().status());
  }

  @Override
  public ChargeRunSummary runMonthlyCharges(MonthlyChargeCommand command) {
    Instant now = now();
    ChargePeriod period = ChargePeriod.containing(command.asOf() == null ? now : command.asOf());
    if (period.isAfter(ChargePeriod.containing(now))) {
      throw new InvalidArgumentException(
          "as_of", "PERIOD_IN_FUTURE", "as_of must not be in a period after the current one (" + period + ")");
    }
    RequestId runRequestId = runRequestId(command.requestId());
    String fingerprint = MonthlyChargeCommand.fingerprint(period);
    long charged = 0;
    long failed = 0;
    long skipped = 0;
    long errored = 0;
    List<AccountId> erroredAccountIds = new ArrayList<>();
    String after = "";
    List<AccountId> page;
    do {
      page = seatAccounts.accountsWithSeats(after, BATCH_SIZE);
      for (AccountId accountId : page) {
        after = accountId.value();
        ChargeOutcome outcome;
        try {
          outcome = chargeAccount(accountId, period, runRequestId, fingerprint, now);
        } catch (ObolException e) {
          throw e; // the caller's mistake (e.g. a request id reused for another period): stop, nothing else to do
        } catch (RuntimeException e) {
          errored++;
          if (erroredAccountIds.size() < ChargeRunSummary.ERRORED_LISTED_MAX) {
            erroredAccountIds.add(accountId);
          }
          errors.chargeFailed(accountId, period, e);
          activity.monthlyChargeErrored(accountId);
          continue;
        }
        switch (outcome.kind()) {
          case CHARGED -> charged++;
          case FAILED -> failed++;
          case ALREADY_CHARGED, NO_FEE -> skipped++;
        }
      }
    } while (page.size() == BATCH_SIZE);
    return new ChargeRunSummary(period, charged, failed, skipped, errored, erroredAccountIds);
  }

  /**
   * One account's part of a run, in its own transaction. A retry of the run (same request id) gets each account's first
   * outcome back; another run for the same period finds the period charged and skips it.
   */
  private ChargeOutcome chargeAccount(
      AccountId accountId, ChargePeriod period, RequestId runRequestId, String fingerprint, Instant now) {
    return AfterCommit.around(
        activity,
        () ->
            store.inTransaction(
                accountId,
                LockMode.EXISTING,
                AfterCommit.carried(session -> {
                  AfterCommit.attempt();
                  if (session.account().isEmpty()) {
                    // Gone since the work list was read; no account, no request log to keep.
                    AfterCommit.record(a -> a.monthlyCharge(accountId, ChargeOutcome.Kind.NO_FEE));
                    return ChargeOutcome.noFee(0);
                  }
                  return Idempotent.run(
                      session,
                      runRequestId,
                      Operation.MONTHLY_CHARGE,
                      fingerprint,
                      now,
                      () -> {
                        // Only a first outcome is told: a retry of the run gets the stored one back, untold.
                        ChargeOutcome outcome = ladder.charge(session, period, runRequestId.value(), now);
                        AfterCommit.record(a -> a.monthlyCharge(accountId, outcome.kind()));
                        return outcome;
                      });
                })));
  }

  static RequestId runRequestId(RequestId requestId) {
    if (requestId.value().length() + RUN_REQUEST_PREFIX.length() > Validate.ID_LENGTH_MAX) {
      throw new InvalidArgumentException(
          "request_id",
          "FIELD_TOO_LONG",
          "request_id of a charge run is at most " + (Validate.ID_LENGTH_MAX - RUN_REQUEST_PREFIX.length())
              + " characters");
    }
    return RequestId.of(RUN_REQUEST_PREFIX + requestId.value());
  }

  private static Wallet eurWallet(AccountSession session, String requestId, Instant now) {
    Wallet wallet = session.loadWallet(Asset.EUR, Set.of());
    wallet.expireDue(now, EntryContext.of(requestId, null, now));
    return wallet;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
