package dev.obol.domain.service;

import dev.obol.domain.error.FailedPreconditionException;
import dev.obol.domain.error.NotFoundException;
import dev.obol.domain.model.Account;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.DenialReason;
import dev.obol.domain.model.EntryContext;
import dev.obol.domain.model.EntryKind;
import dev.obol.domain.model.FeatureCatalog;
import dev.obol.domain.model.FeaturePrice;
import dev.obol.domain.model.Grant;
import dev.obol.domain.model.LowBalancePolicy;
import dev.obol.domain.model.Operation;
import dev.obol.domain.model.Pricing.Charge;
import dev.obol.domain.model.RecordedEntry;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.Wallet;
import dev.obol.domain.usecase.CheckOutcome;
import dev.obol.domain.usecase.CheckQuery;
import dev.obol.domain.usecase.DebitCommand;
import dev.obol.domain.usecase.DebitOutcome;
import dev.obol.domain.usecase.DebitOutcome.Debited;
import dev.obol.domain.usecase.DebitOutcome.Denied;
import dev.obol.domain.usecase.GrantCommand;
import dev.obol.domain.usecase.GrantReceipt;
import dev.obol.domain.usecase.LedgerPage;
import dev.obol.domain.usecase.LedgerQuery;
import dev.obol.domain.usecase.ReversalReceipt;
import dev.obol.domain.usecase.ReverseDebitCommand;
import dev.obol.domain.usecase.WalletUseCases;
import dev.obol.domain.usecase.WalletView;
import dev.obol.domain.port.AccountSession;
import dev.obol.domain.port.Activity;
import dev.obol.domain.port.AccountStore;
import dev.obol.domain.port.AccountStore.LockMode;
import dev.obol.domain.port.AccountStore.Prefetch;
import dev.obol.domain.port.DebitRecord;
import dev.obol.domain.port.IdGenerator;
import dev.obol.domain.port.LedgerReader;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The wallet use cases. Every write is one transaction on one locked account. */
public final class WalletService implements WalletUseCases {

  private final AccountStore store;
  private final LedgerReader reader;
  private final FeatureCatalog catalog;
  private final LowBalancePolicy lowBalance;
  private final IdGenerator ids;
  private final Clock clock;
  private final GrantWriter grants;
  private final List<AfterDebit> afterDebit;
  private final Activity activity;

  /**
   * Runs after a CheckAndDebit took its amount and before the wallet is saved, in the same transaction (e.g. the
   * low-balance check of a per-seat account's EUR wallet).
   */
  public interface AfterDebit {
    void afterDebit(AccountSession session, Wallet wallet, Instant now);
  }

  public WalletService(
      AccountStore store,
      LedgerReader reader,
      FeatureCatalog catalog,
      LowBalancePolicy lowBalance,
      IdGenerator ids,
      Clock clock) {
    this(store, reader, catalog, lowBalance, ids, clock, new GrantWriter(ids), List.of());
  }

  public WalletService(
      AccountStore store,
      LedgerReader reader,
      FeatureCatalog catalog,
      LowBalancePolicy lowBalance,
      IdGenerator ids,
      Clock clock,
      GrantWriter grants,
      List<AfterDebit> afterDebit) {
    this(store, reader, catalog, lowBalance, ids, clock, grants, afterDebit, Activity.NONE);
  }

  /** @param activity told each first debit, denial, grant and reversal once its transaction committed */
  public WalletService(
      AccountStore store,
      LedgerReader reader,
      FeatureCatalog catalog,
      LowBalancePolicy lowBalance,
      IdGenerator ids,
      Clock clock,
      GrantWriter grants,
      List<AfterDebit> afterDebit,
      Activity activity) {
    this.activity = activity;
    this.grants = grants;
    this.afterDebit = List.copyOf(afterDebit);
    this.store = store;
    this.reader = reader;
    this.catalog = catalog;
    this.lowBalance = lowBalance;
    this.ids = ids;
    this.clock = clock;
  }

  @Override
  public DebitOutcome checkAndDebit(DebitCommand command) {
    // Priced before the transaction: an unknown feature or an overflow fails without touching the database.
    Charge charge = command.pricing().resolve(catalog);
    String fingerprint = command.fingerprint();
    Instant now = now();
    return AfterCommit.around(
        activity,
        () ->
            Idempotent.write(
                store,
                command.accountId(),
                LockMode.EXISTING,
                new Prefetch(command.requestId(), charge.asset()),
                new Idempotent.Request(command.requestId(), Operation.CHECK_AND_DEBIT, fingerprint, now),
                session -> debit(session, command, charge, now)));
  }

  /** A debit, or the reason it is denied (a denial is not stored: a retry after a top-up may succeed). */
  private DebitOutcome debit(AccountSession session, DebitCommand command, Charge charge, Instant now) {
    Optional<Account> account = session.account();
    if (account.isEmpty()) {
      return denied(command, DenialReason.INSUFFICIENT_BALANCE, charge, 0);
    }
    Wallet wallet = session.loadWallet(charge.asset(), Set.of());
    long live = wallet.liveBalanceAt(now);
    Optional<DenialReason> statusDenial = account.get().status().denialReason();
    if (statusDenial.isPresent()) {
      return denied(command, statusDenial.get(), charge, live);
    }
    if (live < charge.amount()) {
      return denied(command, DenialReason.INSUFFICIENT_BALANCE, charge, live);
    }
    String debitId = ids.newId("dbt");
    EntryContext context = new EntryContext(charge.feature(), null, command.requestId().value(), debitId, now);
    wallet.expireDue(now, expiryContext(command.requestId(), now));
    wallet.debit(charge.amount(), EntryKind.DEBIT, context);
    for (AfterDebit hook : afterDebit) {
      hook.afterDebit(session, wallet, now);
    }
    Debited debited =
        new Debited(
            debitId,
            charge.asset(),
            charge.amount(),
            wallet.balance(),
            lowBalance.isLow(charge.asset(), wallet.balance()));
    session.save(wallet);
    session.saveDebit(
        new DebitRecord(
            debitId,
            command.accountId(),
            charge.asset(),
            charge.feature(),
            charge.amount(),
            command.metadata(),
            command.requestId(),
            now));
    long balanceAfter = wallet.balance();
    AfterCommit.record(
        a ->
            a.debited(
                command.accountId(), charge.asset(), charge.feature(), charge.amount(), balanceAfter,
                command.requestId().value(), debitId));
    return debited;
  }

  @Override
  public CheckOutcome check(CheckQuery query) {
    Charge charge = query.pricing().resolve(catalog);
    Instant now = now();
    Optional<LedgerReader.AccountWallet> read = reader.accountWallet(query.accountId(), charge.asset());
    Optional<Account> account = read.map(LedgerReader.AccountWallet::account);
    long live =
        read.isEmpty()
            ? 0
            : new Wallet(query.accountId(), charge.asset(), read.get().openGrants()).liveBalanceAt(now);
    boolean low = lowBalance.isLow(charge.asset(), live);
    DenialReason denial =
        account.flatMap(a -> a.status().denialReason())
            .orElse(live < charge.amount() ? DenialReason.INSUFFICIENT_BALANCE : null);
    return new CheckOutcome(denial == null, denial, charge.amount(), live, low);
  }

  @Override
  public GrantReceipt grant(GrantCommand command) {
    Instant now = now();
    // Checked before the transaction: a past expiry fails without touching the database.
    GrantWriter.checkedExpiry(command.expiresAt(), now);
    String fingerprint = command.fingerprint();
    return AfterCommit.around(
        activity,
        () ->
            Idempotent.write(
                store,
                command.accountId(),
                LockMode.CREATE_IF_MISSING,
                new Prefetch(command.requestId(), command.asset()),
                new Idempotent.Request(command.requestId(), Operation.GRANT, fingerprint, now),
                session -> grants.write(session, command, now)));
  }

  @Override
  public ReversalReceipt reverseDebit(ReverseDebitCommand command) {
    Instant now = now();
    String fingerprint = command.fingerprint();
    return AfterCommit.around(
        activity,
        () ->
            Idempotent.write(
                store,
                command.accountId(),
                LockMode.EXISTING,
                null,
                new Idempotent.Request(command.requestId(), Operation.REVERSE_DEBIT, fingerprint, now),
                session -> reverse(session, command, now)));
  }

  private ReversalReceipt reverse(AccountSession session, ReverseDebitCommand command, Instant now) {
    if (session.account().isEmpty()) {
      throw Accounts.notFound(command.accountId());
    }
    DebitRecord debit =
        session
            .findDebit(command.debitId())
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "DEBIT_NOT_FOUND", "debit '" + command.debitId() + "' not found on this account"));
    Map<String, Long> reversible = session.reversibleByGrant(debit.debitId());
    long left = reversible.values().stream().mapToLong(Long::longValue).sum();
    if (left == 0) {
      throw new FailedPreconditionException(
          "DEBIT_ALREADY_REVERSED", "debit '" + debit.debitId() + "' has been fully reversed");
    }
    long amount = command.amount() == 0 ? left : command.amount();
    if (amount > left) {
      throw new FailedPreconditionException(
          "REVERSAL_EXCEEDS_DEBIT",
          "only " + left + " of debit '" + debit.debitId() + "' can still be reversed");
    }
    Wallet wallet = session.loadWallet(debit.asset(), reversible.keySet());
    EntryContext context =
        new EntryContext(debit.feature(), command.reason(), command.requestId().value(), debit.debitId(), now);
    wallet.expireDue(now, expiryContext(command.requestId(), now));
    // A partial reversal refills the longest-lived grants first: the reverse of the burn order.
    List<Grant> sources = new ArrayList<>();
    for (String grantId : reversible.keySet()) {
      sources.add(wallet.grant(grantId));
    }
    sources.sort(Grant.BURN_ORDER.reversed());
    long toGive = amount;
    for (Grant source : sources) {
      long give = Math.min(toGive, reversible.get(source.grantId()));
      if (give > 0) {
        wallet.restore(source.grantId(), give, EntryKind.REVERSAL, context);
        toGive -= give;
      }
    }
    // What went back to a grant that has expired since expires with it (net zero, but explained).
    wallet.expireDue(now, expiryContext(command.requestId(), now));
    ReversalReceipt receipt = new ReversalReceipt(amount, wallet.balance());
    session.save(wallet);
    AfterCommit.record(
        a -> a.reversed(command.accountId(), debit.asset(), amount, debit.debitId(), command.requestId().value()));
    return receipt;
  }

  @Override
  public List<WalletView> balances(AccountId accountId, Asset asset) {
    if (reader.findAccount(accountId).isEmpty()) {
      throw Accounts.notFound(accountId);
    }
    Instant now = now();
    List<Asset> assets = asset == null ? List.of(Asset.values()) : List.of(asset);
    List<WalletView> views = new ArrayList<>();
    for (Asset each : assets) {
      List<Grant> open = reader.openGrants(accountId, each);
      List<Grant> live = open.stream().filter(g -> g.isLiveAt(now)).sorted(Grant.BURN_ORDER).toList();
      long balance = 0;
      for (Grant grant : live) {
        balance = Math.addExact(balance, grant.available());
      }
      // Held counts on expired grants too: a hold keeps what it reserved until it is captured or released.
      long held = 0;
      for (Grant grant : open) {
        held = Math.addExact(held, grant.held());
      }
      views.add(new WalletView(each, balance, held, lowBalance.isLow(each, balance), live));
    }
    return views;
  }

  @Override
  public LedgerPage ledger(LedgerQuery query) {
    if (reader.findAccount(query.accountId()).isEmpty()) {
      throw Accounts.notFound(query.accountId());
    }
    int size = query.effectivePageSize();
    List<RecordedEntry> rows =
        reader.entries(query.accountId(), query.asset(), query.feature(), query.beforeEntryId(), size + 1);
    if (rows.size() <= size) {
      return new LedgerPage(rows, "");
    }
    List<RecordedEntry> page = rows.subList(0, size);
    return new LedgerPage(List.copyOf(page), LedgerQuery.tokenAfter(page.get(size - 1).entryId()));
  }

  @Override
  public List<FeaturePrice> features() {
    return catalog.features();
  }

  /**
   * Expiries swept along with a write belong to no feature or operation: they must not show up in a feature's usage
   * history, nor count as part of a debit. The request id still says which write swept them.
   */
  private static EntryContext expiryContext(RequestId requestId, Instant now) {
    return EntryContext.of(requestId.value(), null, now);
  }

  private Denied denied(DebitCommand command, DenialReason reason, Charge charge, long balance) {
    AfterCommit.record(
        a ->
            a.debitDenied(
                command.accountId(), charge.asset(), charge.feature(), charge.amount(), reason,
                command.requestId().value()));
    return new Denied(reason, charge.asset(), charge.amount(), balance, lowBalance.isLow(charge.asset(), balance));
  }

  private Instant now() {
    // PostgreSQL keeps microseconds; comparing at the stored precision keeps expiry decisions repeatable.
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
