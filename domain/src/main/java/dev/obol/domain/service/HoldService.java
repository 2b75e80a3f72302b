package dev.obol.domain.service;

import dev.obol.domain.error.FailedPreconditionException;
import dev.obol.domain.error.NotFoundException;
import dev.obol.domain.model.Account;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.DenialReason;
import dev.obol.domain.model.EntryContext;
import dev.obol.domain.model.EntryKind;
import dev.obol.domain.model.FeatureCatalog;
import dev.obol.domain.model.LowBalancePolicy;
import dev.obol.domain.model.Operation;
import dev.obol.domain.model.Overage;
import dev.obol.domain.model.Pricing.Charge;
import dev.obol.domain.model.Reservation;
import dev.obol.domain.model.Reservation.Status;
import dev.obol.domain.model.Wallet;
import dev.obol.domain.model.Wallet.Allocation;
import dev.obol.domain.port.AccountSession;
import dev.obol.domain.port.AccountStore;
import dev.obol.domain.port.AccountStore.LockMode;
import dev.obol.domain.port.AccountStore.Prefetch;
import dev.obol.domain.port.Activity;
import dev.obol.domain.port.DebitRecord;
import dev.obol.domain.port.IdGenerator;
import dev.obol.domain.port.LedgerReader;
import dev.obol.domain.port.LedgerReader.DueReservation;
import dev.obol.domain.usecase.CaptureCommand;
import dev.obol.domain.usecase.CaptureReceipt;
import dev.obol.domain.usecase.HoldUseCases;
import dev.obol.domain.usecase.ReleaseCommand;
import dev.obol.domain.usecase.ReleaseReceipt;
import dev.obol.domain.usecase.ReserveCommand;
import dev.obol.domain.usecase.ReserveOutcome;
import dev.obol.domain.usecase.ReserveOutcome.Denied;
import dev.obol.domain.usecase.ReserveOutcome.Reserved;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Holds: Reserve takes an estimate from the grants in burn order into their held part (HOLD entries); a capture
 * debits up to that from those very grants (CAPTURE entries, a debit with its own id) and gives the rest back
 * (RELEASE); a release or the expiry sweeper gives it all back. Each is one transaction on the locked account, through
 * the same store (and commit pipeline) as a debit, and idempotent by request id like every write.
 *
 * <p>Why a held part and not a debit: held credit is still the grant's (an expiry does not take it, a refund's
 * clawback does not take it) but no debit or check can spend it, so the work it was reserved for cannot be starved by
 * concurrent debits, and what the work did not use goes back to exactly where it came from.
 */
public final class HoldService implements HoldUseCases {

  /** Holds per sweep batch: bounded so one run never holds a huge list. */
  public static final int SWEEP_BATCH_SIZE = 500;

  private final AccountStore store;
  private final LedgerReader reader;
  private final FeatureCatalog catalog;
  private final LowBalancePolicy lowBalance;
  private final IdGenerator ids;
  private final Clock clock;
  private final Activity activity;
  private final List<WalletService.AfterDebit> afterHold;

  public HoldService(
      AccountStore store,
      LedgerReader reader,
      FeatureCatalog catalog,
      LowBalancePolicy lowBalance,
      IdGenerator ids,
      Clock clock,
      Activity activity) {
    this(store, reader, catalog, lowBalance, ids, clock, activity, List.of());
  }

  /**
   * @param afterHold run, like a debit's hooks, after a hold or a capture took from the available balance and before
   *     the wallet is saved (the auto-recharge threshold)
   */
  public HoldService(
      AccountStore store,
      LedgerReader reader,
      FeatureCatalog catalog,
      LowBalancePolicy lowBalance,
      IdGenerator ids,
      Clock clock,
      Activity activity,
      List<WalletService.AfterDebit> afterHold) {
    this.afterHold = List.copyOf(afterHold);
    this.store = store;
    this.reader = reader;
    this.catalog = catalog;
    this.lowBalance = lowBalance;
    this.ids = ids;
    this.clock = clock;
    this.activity = activity;
  }

  @Override
  public ReserveOutcome reserve(ReserveCommand command) {
    Charge charge = command.pricing().resolve(catalog);
    Instant now = now();
    return AfterCommit.around(
        activity,
        () ->
            Idempotent.write(
                store,
                command.accountId(),
                LockMode.EXISTING,
                new Prefetch(command.requestId(), charge.asset()),
                new Idempotent.Request(command.requestId(), Operation.RESERVE, command.fingerprint(), now),
                session -> reserve(session, command, charge, now)));
  }

  private ReserveOutcome reserve(AccountSession session, ReserveCommand command, Charge charge, Instant now) {
    Optional<Account> account = session.account();
    if (account.isEmpty()) {
      return denied(charge, DenialReason.INSUFFICIENT_BALANCE, 0);
    }
    Wallet wallet = session.loadWallet(charge.asset(), Set.of());
    long live = wallet.liveBalanceAt(now);
    Optional<DenialReason> statusDenial = account.get().status().denialReason();
    if (statusDenial.isPresent()) {
      return denied(charge, statusDenial.get(), live);
    }
    if (live < charge.amount()) {
      return denied(charge, DenialReason.INSUFFICIENT_BALANCE, live);
    }
    String reservationId = ids.newId("rsv");
    wallet.expireDue(now, EntryContext.of(command.requestId().value(), null, now));
    List<Allocation> held =
        wallet.hold(
            charge.amount(),
            new EntryContext(charge.feature(), null, command.requestId().value(), reservationId, now));
    Instant expiresAt = now.plusSeconds(command.ttlSeconds());
    for (WalletService.AfterDebit hook : afterHold) {
      hook.afterDebit(session, wallet, now);
    }
    session.save(wallet);
    session.saveReservation(
        new Reservation(
            reservationId, command.accountId(), charge.asset(), charge.feature(), charge.amount(), held, Status.OPEN,
            expiresAt, command.metadata(), command.requestId().value(), now, null, 0, null));
    return new Reserved(
        reservationId,
        charge.asset(),
        charge.amount(),
        wallet.balance(),
        expiresAt,
        lowBalance.isLow(charge.asset(), wallet.balance()));
  }

  @Override
  public CaptureReceipt capture(CaptureCommand command) {
    Instant now = now();
    return AfterCommit.around(
        activity,
        () ->
            Idempotent.write(
                store,
                command.accountId(),
                LockMode.EXISTING,
                null,
                new Idempotent.Request(
                    command.requestId(), Operation.CAPTURE_RESERVATION, command.fingerprint(), now),
                session -> capture(session, command, now)));
  }

  private CaptureReceipt capture(AccountSession session, CaptureCommand command, Instant now) {
    Account account = session.account().orElseThrow(() -> Accounts.notFound(command.accountId()));
    Reservation hold = open(session, command.reservationId(), now);
    long wanted = command.amount() == 0 ? hold.amount() : command.amount();
    long excess = 0;
    if (wanted > hold.amount()) {
      if (command.overage() == Overage.REJECT) {
        throw new FailedPreconditionException(
            "CAPTURE_EXCEEDS_HOLD",
            "capture of " + wanted + " exceeds the " + hold.amount() + " held by '" + hold.reservationId()
                + "' (overage OVERAGE_CAP or OVERAGE_ALLOW capture more)");
      }
      excess = command.overage() == Overage.ALLOW ? wanted - hold.amount() : 0;
      wanted = hold.amount();
    }
    Wallet wallet = session.loadWallet(hold.asset(), grantIds(hold));
    EntryContext expiry = EntryContext.of(command.requestId().value(), null, now);
    wallet.expireDue(now, expiry);
    if (excess > 0) {
      // The excess is a debit on the live balance and is refused as one would be; the hold stays open for a capped
      // capture or a release.
      Optional<DenialReason> statusDenial = account.status().denialReason();
      if (statusDenial.isPresent()) {
        throw new FailedPreconditionException(
            statusDenial.get().name(), "the overage of " + excess + " is refused: the account is " + account.status());
      }
      long live = wallet.liveBalanceAt(now);
      if (live < excess) {
        throw new FailedPreconditionException(
            DenialReason.INSUFFICIENT_BALANCE.name(),
            "the overage of " + excess + " exceeds the available balance of " + live);
      }
    }
    String debitId = ids.newId("dbt");
    EntryContext debit = new EntryContext(hold.feature(), null, command.requestId().value(), debitId, now);
    EntryContext giveBack =
        new EntryContext(hold.feature(), null, command.requestId().value(), hold.reservationId(), now);
    long left = wanted;
    long released = 0;
    for (Allocation allocation : hold.allocations()) {
      long take = Math.min(left, allocation.amount());
      if (take > 0) {
        wallet.capture(allocation.grantId(), take, debit);
        left -= take;
      }
      long rest = allocation.amount() - take;
      if (rest > 0) {
        wallet.release(allocation.grantId(), rest, giveBack);
        released += rest;
      }
    }
    if (excess > 0) {
      wallet.debit(excess, EntryKind.CAPTURE, debit);
    }
    // What went back to a grant that has expired meanwhile expires with it.
    wallet.expireDue(now, expiry);
    long debited = Math.addExact(wanted, excess);
    if (excess > 0) {
      for (WalletService.AfterDebit hook : afterHold) {
        hook.afterDebit(session, wallet, now);
      }
    }
    session.save(wallet);
    session.saveDebit(
        new DebitRecord(
            debitId, command.accountId(), hold.asset(), hold.feature(), debited, hold.metadata(), command.requestId(),
            now));
    session.closeReservation(hold.closed(Status.CAPTURED, debitId, debited, now));
    long balanceAfter = wallet.balance();
    AfterCommit.record(
        a ->
            a.debited(
                command.accountId(), hold.asset(), hold.feature(), debited, balanceAfter,
                command.requestId().value(), debitId));
    return new CaptureReceipt(debitId, debited, released, balanceAfter);
  }

  @Override
  public ReleaseReceipt release(ReleaseCommand command) {
    Instant now = now();
    return AfterCommit.around(
        activity,
        () ->
            Idempotent.write(
                store,
                command.accountId(),
                LockMode.EXISTING,
                null,
                new Idempotent.Request(
                    command.requestId(), Operation.RELEASE_RESERVATION, command.fingerprint(), now),
                session -> {
                  session.account().orElseThrow(() -> Accounts.notFound(command.accountId()));
                  Reservation hold = found(session, command.reservationId());
                  requireOpen(hold);
                  // A hold past its expiry that the sweeper has not reached yet is released as asked: the same
                  // entries the sweeper would write.
                  return giveBack(session, hold, Status.RELEASED, command.requestId().value(), null, now);
                }));
  }

  /**
   * Releases every open hold that expired by now (RELEASE entries, status EXPIRED). Safe on several instances at once:
   * each hold is released under its account's lock, and a hold found closed is skipped.
   *
   * @return how many holds were released
   */
  public int releaseExpired() {
    Instant now = now();
    int released = 0;
    List<DueReservation> due;
    do {
      due = reader.reservationsDue(now, SWEEP_BATCH_SIZE);
      for (DueReservation each : due) {
        boolean done =
            store.inTransaction(
                each.accountId(),
                LockMode.EXISTING,
                session -> {
                  Optional<Reservation> hold = session.findReservation(each.reservationId());
                  if (hold.isEmpty() || hold.get().status() != Status.OPEN || !hold.get().isExpiredAt(now)) {
                    return false;
                  }
                  giveBack(session, hold.get(), Status.EXPIRED, null, "hold expired", now);
                  return true;
                });
        if (done) {
          released++;
        }
      }
    } while (due.size() == SWEEP_BATCH_SIZE);
    return released;
  }

  private ReleaseReceipt giveBack(
      AccountSession session, Reservation hold, Status status, String requestId, String reason, Instant now) {
    Wallet wallet = session.loadWallet(hold.asset(), grantIds(hold));
    EntryContext expiry = EntryContext.of(requestId, null, now);
    wallet.expireDue(now, expiry);
    EntryContext context = new EntryContext(hold.feature(), reason, requestId, hold.reservationId(), now);
    for (Allocation allocation : hold.allocations()) {
      wallet.release(allocation.grantId(), allocation.amount(), context);
    }
    wallet.expireDue(now, expiry);
    session.save(wallet);
    session.closeReservation(hold.closed(status, null, 0, now));
    return new ReleaseReceipt(hold.amount(), wallet.balance());
  }

  /** The hold, open and not expired: what a capture needs. */
  private static Reservation open(AccountSession session, String reservationId, Instant now) {
    Reservation hold = found(session, reservationId);
    requireOpen(hold);
    if (hold.isExpiredAt(now)) {
      throw new FailedPreconditionException(
          "RESERVATION_EXPIRED", "reservation '" + reservationId + "' expired at " + hold.expiresAt());
    }
    return hold;
  }

  private static Reservation found(AccountSession session, String reservationId) {
    return session
        .findReservation(reservationId)
        .orElseThrow(
            () ->
                new NotFoundException(
                    "RESERVATION_NOT_FOUND", "reservation '" + reservationId + "' not found on this account"));
  }

  private static void requireOpen(Reservation hold) {
    switch (hold.status()) {
      case OPEN -> {}
      case CAPTURED ->
          throw new FailedPreconditionException(
              "RESERVATION_CAPTURED", "reservation '" + hold.reservationId() + "' has been captured");
      case RELEASED ->
          throw new FailedPreconditionException(
              "RESERVATION_RELEASED", "reservation '" + hold.reservationId() + "' has been released");
      case EXPIRED ->
          throw new FailedPreconditionException(
              "RESERVATION_EXPIRED", "reservation '" + hold.reservationId() + "' expired at " + hold.expiresAt());
    }
  }

  private static Set<String> grantIds(Reservation hold) {
    return hold.allocations().stream().map(Allocation::grantId).collect(Collectors.toSet());
  }

  private Denied denied(Charge charge, DenialReason reason, long balance) {
    return new Denied(reason, charge.asset(), charge.amount(), balance, lowBalance.isLow(charge.asset(), balance));
  }

  private Instant now() {
    // PostgreSQL keeps microseconds; comparing at the stored precision keeps expiry decisions repeatable.
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
