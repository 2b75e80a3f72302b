package dev.obol.domain.testing;

import dev.obol.domain.model.Account;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.AccountStatus;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.ChargePeriod;
import dev.obol.domain.model.EntryKind;
import dev.obol.domain.model.Grant;
import dev.obol.domain.model.LedgerEntry;
import dev.obol.domain.model.Notification;
import dev.obol.domain.model.Operation;
import dev.obol.domain.model.RecordedEntry;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.Reservation;
import dev.obol.domain.model.SeatCharge;
import dev.obol.domain.model.SeatPlan;
import dev.obol.domain.model.Wallet;
import dev.obol.domain.port.AccountSession;
import dev.obol.domain.port.AccountStore;
import dev.obol.domain.port.DebitRecord;
import dev.obol.domain.port.LedgerReader;
import dev.obol.domain.port.SeatAccounts;
import dev.obol.domain.payment.AutoRecharge;
import dev.obol.domain.payment.RechargeAttempt;
import dev.obol.domain.port.RechargeQueue;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The outgoing wallet ports in memory, with the semantics of the PostgreSQL adapter: accounts, grants, an append-only
 * ledger with increasing entry ids, debits and the request log.
 *
 * <p>Transactions are serialized (one at a time, whatever the account) and atomic: each works on a copy of the
 * committed state, which replaces the committed state only when the work returns; when it throws, the copy is dropped.
 * Readers ({@link LedgerReader}, the inspection methods and so {@link InMemoryLedgerAudit}) see committed data only,
 * never a transaction in progress. A transaction inside a transaction is refused: no unit of work spans two accounts.
 *
 * <p>Where the database has a constraint (primary keys, foreign keys, checks), this store throws
 * {@link IllegalStateException} instead of silently accepting data PostgreSQL would refuse.
 */
public final class InMemoryAccountStore implements AccountStore, LedgerReader, SeatAccounts, RechargeQueue {

  private final Clock clock;
  private final Object lock = new Object();
  /** Never mutated once committed: each transaction works on a copy. */
  private volatile State committed = new State();
  /** Guarded by {@link #lock}. */
  private boolean transactionOpen;

  /** @param clock stamps the creation time of accounts made by {@link LockMode#CREATE_IF_MISSING} */
  public InMemoryAccountStore(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public InMemoryAccountStore() {
    this(Clock.systemUTC());
  }

  // ---- AccountStore ----------------------------------------------------------------------------------------------

  @Override
  public <T> T inTransaction(AccountId accountId, LockMode mode, Function<AccountSession, T> work) {
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(work, "work");
    synchronized (lock) {
      if (transactionOpen) {
        throw new IllegalStateException(
            "transaction on account " + accountId + " opened inside another one: no unit of work spans two accounts");
      }
      transactionOpen = true;
      State working = committed.copy();
      Session session = null;
      try {
        if (mode == LockMode.CREATE_IF_MISSING && !working.accounts.containsKey(accountId)) {
          working.accounts.put(accountId, new Account(accountId, AccountStatus.ACTIVE, now()));
        }
        session = new Session(working, accountId, working.accounts.get(accountId));
        T result = work.apply(session);
        committed = working;
        return result;
      } finally {
        if (session != null) {
          session.close();
        }
        transactionOpen = false;
      }
    }
  }

  // ---- LedgerReader ----------------------------------------------------------------------------------------------

  @Override
  public Optional<Account> findAccount(AccountId accountId) {
    return Optional.ofNullable(committed.accounts.get(accountId));
  }

  @Override
  public List<Grant> openGrants(AccountId accountId, Asset asset) {
    return committed.grants.values().stream()
        .filter(g -> g.accountId().equals(accountId) && g.asset() == asset && g.remaining() > 0)
        .toList();
  }

  @Override
  public List<RecordedEntry> entries(
      AccountId accountId, Asset asset, String feature, long beforeEntryId, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be 0 or more");
    }
    return committed.entries.stream()
        .filter(r -> r.entryId() < beforeEntryId)
        .filter(r -> r.entry().accountId().equals(accountId))
        .filter(r -> asset == null || r.entry().asset() == asset)
        .filter(r -> feature == null || feature.equals(r.entry().feature()))
        .sorted(Comparator.comparingLong(RecordedEntry::entryId).reversed())
        .limit(limit)
        .toList();
  }

  @Override
  public List<AccountId> accountsWithDueExpiries(Instant now, int limit) {
    return committed.grants.values().stream()
        .filter(g -> g.available() > 0 && g.expiresAt() != null && !g.expiresAt().isAfter(now))
        .map(Grant::accountId)
        .distinct()
        .sorted(Comparator.comparing(AccountId::value))
        .limit(limit)
        .toList();
  }

  @Override
  public List<DueReservation> reservationsDue(Instant now, int limit) {
    return committed.reservations.values().stream()
        .filter(r -> r.status() == Reservation.Status.OPEN && r.isExpiredAt(now))
        .sorted(Comparator.comparing(Reservation::expiresAt))
        .limit(limit)
        .map(r -> new DueReservation(r.accountId(), r.reservationId()))
        .toList();
  }

  /** A hold as committed, for tests. */
  public Optional<Reservation> reservation(AccountId accountId, String reservationId) {
    return Optional.ofNullable(committed.reservations.get(new Key(accountId, reservationId)));
  }

  // ---- set-up and inspection for tests ---------------------------------------------------------------------------

  /**
   * Sets an account's status, as an operator or the monthly charge run would, in a transaction of its own.
   *
   * @throws IllegalStateException when the account does not exist
   */
  public void setStatus(AccountId accountId, AccountStatus status) {
    Objects.requireNonNull(status, "status");
    inTransaction(
        accountId,
        LockMode.EXISTING,
        session -> {
          Session s = (Session) session;
          Account account =
              s.account().orElseThrow(() -> new IllegalStateException("account " + accountId + " does not exist"));
          s.state.accounts.put(accountId, new Account(accountId, status, account.createdAt()));
          return null;
        });
  }

  /** Every grant of the account, spent or not, in creation order. */
  public List<Grant> grants(AccountId accountId) {
    return committed.grants.values().stream().filter(g -> g.accountId().equals(accountId)).toList();
  }

  public Optional<Grant> grant(AccountId accountId, String grantId) {
    return Optional.ofNullable(committed.grants.get(new Key(accountId, grantId)));
  }

  /** Every ledger entry of every account, oldest first. */
  public List<RecordedEntry> entries() {
    return List.copyOf(committed.entries);
  }

  /** The account's ledger entries, oldest first. */
  public List<RecordedEntry> entries(AccountId accountId) {
    return committed.entries.stream().filter(r -> r.entry().accountId().equals(accountId)).toList();
  }

  public List<DebitRecord> debits(AccountId accountId) {
    return committed.debits.values().stream().filter(d -> d.accountId().equals(accountId)).toList();
  }

  public Optional<RequestLogRow> request(AccountId accountId, RequestId requestId) {
    return Optional.ofNullable(committed.requests.get(new Key(accountId, requestId.value())));
  }

  /** Everything stored; two snapshots are equal exactly when nothing was written in between. */
  public Snapshot snapshot() {
    State state = committed;
    return new Snapshot(
        List.copyOf(state.accounts.values()),
        List.copyOf(state.grants.values()),
        List.copyOf(state.entries),
        List.copyOf(state.debits.values()),
        List.copyOf(state.requests.values()),
        List.copyOf(state.reservations.values()));
  }

  public record Snapshot(
      List<Account> accounts,
      List<Grant> grants,
      List<RecordedEntry> entries,
      List<DebitRecord> debits,
      List<RequestLogRow> requests,
      List<Reservation> reservations) {}

  /** One row of the request log: the first answer to a request id on an account. */
  public record RequestLogRow(
      AccountId accountId,
      RequestId requestId,
      Operation operation,
      String fingerprint,
      Object result,
      Instant createdAt) {}

  // ---- internals -------------------------------------------------------------------------------------------------

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /** A row key within one account: grants, debits and request ids are unique per account. */
  private record Key(AccountId accountId, String id) {}

  private static final class State {
    final Map<AccountId, Account> accounts = new LinkedHashMap<>();
    final Map<Key, Grant> grants = new LinkedHashMap<>();
    final List<RecordedEntry> entries = new ArrayList<>();
    final Map<Key, DebitRecord> debits = new LinkedHashMap<>();
    final Map<Key, RequestLogRow> requests = new LinkedHashMap<>();
    final Map<Key, Reservation> reservations = new LinkedHashMap<>();
    long lastEntryId;
    // ---- seat fees and standing
    final Map<AccountId, SeatPlan> seatPlans = new LinkedHashMap<>();
    final Map<Key, SeatCharge> seatCharges = new LinkedHashMap<>();
    final List<Notification> outbox = new ArrayList<>();
    // ---- auto-recharge
    final Map<AccountId, AutoRecharge> autoRecharges = new LinkedHashMap<>();
    final Map<Key, RechargeAttempt> attempts = new LinkedHashMap<>();
    /** Each REQUESTED attempt's next hand-over (its claim's end). */
    final Map<Key, Instant> nextTry = new LinkedHashMap<>();

    /** Rows are immutable records, so copying the collections is a full copy. */
    State copy() {
      State copy = new State();
      copy.autoRecharges.putAll(autoRecharges);
      copy.attempts.putAll(attempts);
      copy.nextTry.putAll(nextTry);
      copy.seatPlans.putAll(seatPlans);
      copy.seatCharges.putAll(seatCharges);
      copy.outbox.addAll(outbox);
      copy.accounts.putAll(accounts);
      copy.grants.putAll(grants);
      copy.entries.addAll(entries);
      copy.debits.putAll(debits);
      copy.requests.putAll(requests);
      copy.reservations.putAll(reservations);
      copy.lastEntryId = lastEntryId;
      return copy;
    }
  }

  private static final class Session implements AccountSession {

    private final State state;
    private final AccountId accountId;
    private Account account;
    private boolean closed;

    Session(State state, AccountId accountId, Account account) {
      this.state = state;
      this.accountId = accountId;
      this.account = account;
    }

    void close() {
      closed = true;
    }

    @Override
    public Optional<Account> account() {
      open();
      return Optional.ofNullable(account);
    }

    @Override
    public Optional<StoredRequest> findRequest(RequestId requestId) {
      open();
      RequestLogRow row = state.requests.get(new Key(accountId, requestId.value()));
      return row == null
          ? Optional.empty()
          : Optional.of(new StoredRequest(row.operation(), row.fingerprint(), row.result()));
    }

    @Override
    public void saveRequest(RequestId requestId, Operation operation, String fingerprint, Object result, Instant at) {
      open();
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(operation, "operation");
      Objects.requireNonNull(fingerprint, "fingerprint");
      Objects.requireNonNull(result, "result");
      Objects.requireNonNull(at, "at");
      if (!operation.resultType().isInstance(result)) {
        throw new IllegalStateException(
            "a " + operation + " answer must be a " + operation.resultType().getSimpleName() + ", not " + result);
      }
      Key key = new Key(accountId, requestId.value());
      if (state.requests.containsKey(key)) {
        throw new IllegalStateException("duplicate key: request " + requestId + " on account " + accountId);
      }
      state.requests.put(key, new RequestLogRow(accountId, requestId, operation, fingerprint, result, at));
    }

    @Override
    public Wallet loadWallet(Asset asset, Collection<String> alsoGrantIds) {
      open();
      Objects.requireNonNull(asset, "asset");
      Set<String> also = new HashSet<>(alsoGrantIds);
      List<Grant> grants =
          state.grants.values().stream()
              .filter(g -> g.accountId().equals(accountId) && g.asset() == asset)
              .filter(g -> g.remaining() > 0 || also.contains(g.grantId()))
              .toList();
      return new Wallet(accountId, asset, grants);
    }

    @Override
    public void save(Wallet wallet) {
      open();
      if (!wallet.accountId().equals(accountId)) {
        throw new IllegalStateException("wallet of " + wallet.accountId() + " saved in a transaction on " + accountId);
      }
      requireAccount("grants");
      for (Grant grant : wallet.addedGrants()) {
        Key key = new Key(accountId, grant.grantId());
        if (state.grants.containsKey(key)) {
          throw new IllegalStateException("duplicate key: grant " + grant.grantId() + " on account " + accountId);
        }
        if (grant.priority() < 0) {
          throw new IllegalStateException("check violated: grant " + grant.grantId() + " has a negative priority");
        }
        state.grants.put(key, grant);
      }
      for (Grant changed : wallet.changedGrants()) {
        Key key = new Key(accountId, changed.grantId());
        Grant stored = state.grants.get(key);
        if (stored == null) {
          throw new IllegalStateException("grant " + changed.grantId() + " to update does not exist");
        }
        // Like the adapter's UPDATE: only the remaining and held amounts of a stored grant ever change.
        state.grants.put(
            key,
            new Grant(
                stored.grantId(),
                stored.accountId(),
                stored.asset(),
                stored.source(),
                stored.amount(),
                changed.remaining(),
                changed.held(),
                stored.priority(),
                stored.expiresAt(),
                stored.reference(),
                stored.reason(),
                stored.createdAt()));
      }
      for (LedgerEntry entry : wallet.newEntries()) {
        if (!entry.accountId().equals(accountId)) {
          throw new IllegalStateException("entry of " + entry.accountId() + " saved on " + accountId);
        }
        if (!state.grants.containsKey(new Key(accountId, entry.grantId()))) {
          throw new IllegalStateException("foreign key violated: entry for unknown grant " + entry.grantId());
        }
        state.lastEntryId++;
        state.entries.add(new RecordedEntry(state.lastEntryId, entry));
      }
    }

    @Override
    public void saveDebit(DebitRecord debit) {
      open();
      if (!debit.accountId().equals(accountId)) {
        throw new IllegalStateException("debit of " + debit.accountId() + " saved on " + accountId);
      }
      requireAccount("debits");
      if (debit.amount() <= 0) {
        throw new IllegalStateException("check violated: debit " + debit.debitId() + " amount " + debit.amount());
      }
      Objects.requireNonNull(debit.requestId(), "requestId");
      Key key = new Key(accountId, debit.debitId());
      if (state.debits.containsKey(key)) {
        throw new IllegalStateException("duplicate key: debit " + debit.debitId() + " on account " + accountId);
      }
      Map<String, String> metadata = debit.metadata() == null ? Map.of() : Map.copyOf(debit.metadata());
      state.debits.put(
          key,
          new DebitRecord(
              debit.debitId(),
              debit.accountId(),
              debit.asset(),
              debit.feature(),
              debit.amount(),
              metadata,
              debit.requestId(),
              debit.createdAt()));
    }

    @Override
    public void saveReservation(Reservation reservation) {
      open();
      requireAccount("reservations");
      if (!reservation.accountId().equals(accountId)) {
        throw new IllegalStateException("hold of " + reservation.accountId() + " saved on " + accountId);
      }
      Key key = new Key(accountId, reservation.reservationId());
      if (state.reservations.containsKey(key)) {
        throw new IllegalStateException("duplicate key: reservation " + reservation.reservationId());
      }
      for (Wallet.Allocation allocation : reservation.allocations()) {
        if (!state.grants.containsKey(new Key(accountId, allocation.grantId()))) {
          throw new IllegalStateException("foreign key violated: hold on unknown grant " + allocation.grantId());
        }
      }
      state.reservations.put(key, reservation);
    }

    @Override
    public void closeReservation(Reservation reservation) {
      open();
      Key key = new Key(accountId, reservation.reservationId());
      Reservation stored = state.reservations.get(key);
      if (stored == null || stored.status() != Reservation.Status.OPEN) {
        throw new IllegalStateException("reservation " + reservation.reservationId() + " to close is not open");
      }
      state.reservations.put(key, reservation);
    }

    @Override
    public Optional<Reservation> findReservation(String reservationId) {
      open();
      return Optional.ofNullable(state.reservations.get(new Key(accountId, reservationId)));
    }

    @Override
    public Optional<DebitRecord> findDebit(String debitId) {
      open();
      return Optional.ofNullable(state.debits.get(new Key(accountId, debitId)));
    }

    @Override
    public Map<String, Long> reversibleByGrant(String debitId) {
      open();
      Map<String, Long> net = new TreeMap<>();
      for (RecordedEntry recorded : state.entries) {
        LedgerEntry entry = recorded.entry();
        if (entry.accountId().equals(accountId)
            && debitId.equals(entry.operationId())
            && (entry.kind() == EntryKind.DEBIT
                || entry.kind() == EntryKind.CAPTURE
                || entry.kind() == EntryKind.REVERSAL)) {
          net.merge(entry.grantId(), -entry.amount(), Math::addExact);
        }
      }
      Map<String, Long> reversible = new LinkedHashMap<>();
      net.forEach(
          (grantId, amount) -> {
            if (amount > 0) {
              reversible.put(grantId, amount);
            }
          });
      return reversible;
    }

    private void requireAccount(String what) {
      if (!state.accounts.containsKey(accountId)) {
        throw new IllegalStateException("foreign key violated: " + what + " for unknown account " + accountId);
      }
    }

    private void open() {
      if (closed) {
        throw new IllegalStateException("session on account " + accountId + " used after its transaction ended");
      }
    }

    // ---- seat fees and standing

    @Override
    public SeatPlan seatPlan() {
      open();
      return state.seatPlans.getOrDefault(accountId, SeatPlan.NONE);
    }

    @Override
    public void saveSeatPlan(SeatPlan plan) {
      open();
      requireAccount("seat plans");
      state.seatPlans.put(accountId, Objects.requireNonNull(plan, "plan"));
    }

    @Override
    public void setStatus(AccountStatus status) {
      open();
      Account current = account().orElseThrow(() -> new IllegalStateException("no account " + accountId));
      account = new Account(accountId, Objects.requireNonNull(status, "status"), current.createdAt());
      state.accounts.put(accountId, account);
    }

    @Override
    public Optional<SeatCharge> findSeatCharge(ChargePeriod period) {
      open();
      return Optional.ofNullable(state.seatCharges.get(new Key(accountId, period.toString())));
    }

    @Override
    public Optional<SeatCharge> lastSeatCharge() {
      open();
      return charges().max(Comparator.comparing(SeatCharge::period));
    }

    @Override
    public List<SeatCharge> owedSeatCharges() {
      open();
      return charges().filter(SeatCharge::isOwed).sorted(Comparator.comparing(SeatCharge::period)).toList();
    }

    @Override
    public void saveSeatCharge(SeatCharge charge) {
      open();
      requireAccount("seat charges");
      Key key = new Key(accountId, charge.period().toString());
      if (!charge.accountId().equals(accountId) || state.seatCharges.containsKey(key)) {
        throw new IllegalStateException("duplicate key: seat charge " + charge.period() + " on account " + accountId);
      }
      state.seatCharges.put(key, charge);
    }

    @Override
    public void markSeatChargePaid(ChargePeriod period, Instant paidAt) {
      open();
      Key key = new Key(accountId, period.toString());
      SeatCharge charge = state.seatCharges.get(key);
      if (charge == null || !charge.isOwed()) {
        throw new IllegalStateException("no owed seat charge " + period + " on account " + accountId);
      }
      state.seatCharges.put(key, charge.paid(paidAt));
    }

    @Override
    public void publish(Notification notification) {
      open();
      if (!notification.accountId().equals(accountId)) {
        throw new IllegalStateException("event of " + notification.accountId() + " published on " + accountId);
      }
      state.outbox.add(notification);
    }

    @Override
    public Optional<AutoRecharge> autoRecharge() {
      open();
      return Optional.ofNullable(state.autoRecharges.get(accountId));
    }

    @Override
    public void saveAutoRecharge(AutoRecharge autoRecharge) {
      open();
      if (account == null) {
        throw new IllegalStateException("foreign key violated: auto-recharge of unknown account " + accountId);
      }
      state.autoRecharges.put(accountId, autoRecharge);
    }

    @Override
    public void insertRechargeAttempt(RechargeAttempt attempt) {
      open();
      Key key = new Key(accountId, Long.toString(attempt.sequence()));
      if (state.attempts.containsKey(key)) {
        throw new IllegalStateException("duplicate key: recharge attempt " + attempt.sequence());
      }
      state.attempts.put(key, attempt);
      state.nextTry.put(key, attempt.createdAt());
    }

    @Override
    public Optional<RechargeAttempt> findRechargeAttempt(long sequence) {
      open();
      return Optional.ofNullable(state.attempts.get(new Key(accountId, Long.toString(sequence))));
    }

    @Override
    public void updateRechargeAttempt(RechargeAttempt attempt) {
      open();
      Key key = new Key(accountId, Long.toString(attempt.sequence()));
      if (!state.attempts.containsKey(key)) {
        throw new IllegalStateException("no recharge attempt " + attempt.sequence() + " to update");
      }
      state.attempts.put(key, attempt);
    }

    private java.util.stream.Stream<SeatCharge> charges() {
      return state.seatCharges.values().stream().filter(c -> c.accountId().equals(accountId));
    }
  }

  // ---- seat fees and standing ------------------------------------------------------------------------------------

  @Override
  public List<AccountId> accountsWithSeats(String afterAccountId, int limit) {
    return committed.seatPlans.entrySet().stream()
        .filter(e -> e.getValue().seatCount().value() > 0 && e.getKey().value().compareTo(afterAccountId) > 0)
        .map(Map.Entry::getKey)
        .sorted(Comparator.comparing(AccountId::value))
        .limit(limit)
        .toList();
  }

  public SeatPlan seatPlan(AccountId accountId) {
    return committed.seatPlans.getOrDefault(accountId, SeatPlan.NONE);
  }

  public List<SeatCharge> seatCharges(AccountId accountId) {
    return committed.seatCharges.values().stream().filter(c -> c.accountId().equals(accountId)).toList();
  }

  // ---- auto-recharge -----------------------------------------------------------------------------------------------

  @Override
  public List<RechargeAttempt> claimDue(Instant now, Instant leaseUntil, int limit) {
    synchronized (lock) {
      State working = committed.copy();
      List<RechargeAttempt> due = new ArrayList<>();
      for (Map.Entry<Key, RechargeAttempt> e : working.attempts.entrySet()) {
        Instant next = working.nextTry.get(e.getKey());
        if (due.size() < limit
            && e.getValue().status() == RechargeAttempt.Status.REQUESTED
            && next != null
            && !next.isAfter(now)) {
          working.nextTry.put(e.getKey(), leaseUntil);
          due.add(e.getValue());
        }
      }
      committed = working;
      return due;
    }
  }

  public Optional<AutoRecharge> autoRecharge(AccountId accountId) {
    return Optional.ofNullable(committed.autoRecharges.get(accountId));
  }

  /** The account's recharge attempts, by sequence. */
  public List<RechargeAttempt> rechargeAttempts(AccountId accountId) {
    return committed.attempts.values().stream()
        .filter(a -> a.accountId().equals(accountId))
        .sorted(Comparator.comparingLong(RechargeAttempt::sequence))
        .toList();
  }

  /** The events published for the account, oldest first. */
  public List<Notification> notifications(AccountId accountId) {
    return committed.outbox.stream().filter(n -> n.accountId().equals(accountId)).toList();
  }
}
