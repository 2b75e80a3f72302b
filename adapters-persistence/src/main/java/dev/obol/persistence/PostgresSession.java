package dev.obol.persistence;

import dev.obol.domain.model.Account;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.AccountStatus;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.ChargePeriod;
import dev.obol.domain.model.Grant;
import dev.obol.domain.model.Notification;
import dev.obol.domain.model.Operation;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.Reservation;
import dev.obol.domain.model.SeatCharge;
import dev.obol.domain.model.SeatPlan;
import dev.obol.domain.model.Wallet;
import dev.obol.domain.payment.AutoRecharge;
import dev.obol.domain.payment.RechargeAttempt;
import dev.obol.domain.port.AccountSession;
import dev.obol.domain.port.AccountStore.LockMode;
import dev.obol.domain.port.AccountStore.Prefetch;
import dev.obol.domain.port.DebitRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One locked account inside one open transaction. Not thread-safe; lives as long as the transaction.
 *
 * <p>The debit hot path stays hand-written JDBC on the transaction's connection, because its round trips per debit
 * are counted (and benchmarked): {@link #open} takes the lock and, with a prefetch, reads the stored request and the
 * open grants in the same round trip; {@link #loadWallet} and {@link #findRequest} are single statements when not
 * prefetched; {@link PendingWrites} sends every write of a debit (grants, ledger entries, debit, request record) as
 * one statement, where a repository would send one per row and read back what it wrote. The other statements of an
 * account transaction (debit lookups, reversals, status, outbox) are rare and stay next to them. The seat tables are
 * on repositories ({@link PostgresSeats}): they join this transaction, after the held-back writes are flushed.
 */
final class PostgresSession implements AccountSession {

  private final Connection connection;
  private final AccountId accountId;
  private Account account;
  private final PendingWrites pending;
  private Prefetched prefetched;
  private final AccountTables tables;
  private final PostgresSeats seats;
  private Optional<AutoRecharge> autoRecharge = Optional.empty();

  private PostgresSession(
      Connection connection, AccountTables tables, AccountId accountId, Account account, String keyId) {
    this.pending = new PendingWrites(accountId, keyId);
    this.connection = connection;
    this.accountId = accountId;
    this.account = account;
    this.tables = tables;
    this.seats = new PostgresSeats(this::flush, tables, accountId);
  }

  /**
   * The one way a unit of work on an account runs, inside a transaction already open on {@code connection}: open the
   * session (taking the lock), run the work, send the writes it held back. The caller commits (see
   * {@link Transactions#inAccountTransaction}, which is this in a transaction of its own).
   *
   * @param tables the seat tables' repositories: they join the transaction open on {@code connection}
   * @param prefetch null: nothing read ahead
   * @param keyId the API key whose call this serves, stamped on what it writes; null: Obol itself
   */
  static <T> T inOpenTransaction(
      Connection connection,
      AccountTables tables,
      AccountId accountId,
      LockMode mode,
      Prefetch prefetch,
      String keyId,
      Function<? super PostgresSession, ? extends T> work)
      throws SQLException {
    PostgresSession session = open(connection, tables, accountId, mode, prefetch, keyId, null);
    T result = work.apply(session);
    session.flush();
    return result;
  }

  /** A unit of work's answer and the writes it held back, not sent yet (null: none). */
  record Carried<T>(T result, PendingWrites.Statement writes) {}

  /**
   * The same, for the commit pipeline: {@code carried}, the held-back writes of the unit of work before this one in
   * the batch, are sent in the same round trip as this one's lock (first, so whatever this one reads sees them), and
   * this one's own held-back writes are handed back instead of sent, for the next. The pipeline sends the last
   * unit of work's writes before it commits. A debit in a batch then costs one round trip instead of two.
   *
   * @param carried null: nothing to send first
   */
  static <T> Carried<T> inOpenTransactionCarrying(
      Connection connection,
      AccountTables tables,
      AccountId accountId,
      LockMode mode,
      Prefetch prefetch,
      String keyId,
      PendingWrites.Statement carried,
      Function<? super PostgresSession, ? extends T> work)
      throws SQLException {
    PostgresSession session = open(connection, tables, accountId, mode, prefetch, keyId, carried);
    T result = work.apply(session);
    return new Carried<>(result, session.pending.take());
  }

  /**
   * Takes the account's row lock first: every later read in the transaction then sees the writes of whoever held it
   * before (READ COMMITTED takes a new snapshot per statement), which is what makes the idempotency check and the
   * balance check race-free.
   *
   * <p>With a prefetch, the request's stored answer and the wallet's open grants are read by statements sent in the
   * same round trip as the lock. They are separate statements run in order, so each takes its snapshot after the lock
   * is held: as current as if they had been sent later.
   *
   * @param prefetch null: nothing read ahead
   * @param keyId the API key whose call this transaction serves, stamped on what it writes; null: Obol itself
   */
  private static PostgresSession open(
      Connection connection,
      AccountTables tables,
      AccountId accountId,
      LockMode mode,
      Prefetch prefetch,
      String keyId,
      PendingWrites.Statement carried)
      throws SQLException {
    StringBuilder sql = new StringBuilder();
    if (carried != null) {
      sql.append(carried.sql()).append("; ");
    }
    if (mode == LockMode.CREATE_IF_MISSING) {
      sql.append(
          "INSERT INTO accounts (account_id, status, created_at, updated_at) VALUES (?, 'ACTIVE', now(), now())"
              + " ON CONFLICT (account_id) DO NOTHING; ");
    }
    sql.append(LOCK_SQL);
    if (prefetch != null) {
      sql.append("; ").append(REQUEST_SQL).append("; ").append(OPEN_GRANTS_SQL);
    }
    try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
      int i = carried == null ? 1 : carried.binder().bind(statement, 1);
      if (mode == LockMode.CREATE_IF_MISSING) {
        statement.setString(i++, accountId.value());
      }
      statement.setString(i++, accountId.value());
      if (prefetch != null) {
        statement.setString(i++, accountId.value());
        statement.setString(i++, prefetch.requestId().value());
        statement.setString(i++, accountId.value());
        statement.setString(i++, prefetch.asset().name());
        statement.setArray(i, connection.createArrayOf("text", new Object[0]));
      }
      boolean isQuery = statement.execute();
      if (carried != null) {
        isQuery = statement.getMoreResults(); // past the carried writes' update count
      }
      if (mode == LockMode.CREATE_IF_MISSING) {
        isQuery = statement.getMoreResults(); // past the insert's update count
      }
      if (!isQuery) {
        throw new SQLException("expected the account lock's rows");
      }
      Account account;
      Optional<AutoRecharge> autoRecharge = Optional.empty();
      try (ResultSet rows = statement.getResultSet()) {
        account = rows.next() ? AccountRows.account(rows) : null;
        if (account != null) {
          autoRecharge = AutoRechargeRows.joined(rows, accountId);
        }
      }
      PostgresSession session = new PostgresSession(connection, tables, accountId, account, keyId);
      session.autoRecharge = autoRecharge;
      if (prefetch != null) {
        statement.getMoreResults();
        Optional<StoredRequest> request;
        try (ResultSet rows = statement.getResultSet()) {
          request = AccountRows.storedRequest(rows);
        }
        statement.getMoreResults();
        List<Grant> grants;
        try (ResultSet rows = statement.getResultSet()) {
          grants = AccountRows.grants(rows);
        }
        session.prefetched = new Prefetched(prefetch, request, grants);
      }
      return session;
    }
  }

  /** What {@link #open} read ahead; each part is handed out once, and the grants only until the wallet is saved. */
  private static final class Prefetched {
    private RequestId requestId;
    private final Optional<StoredRequest> request;
    private Asset asset;
    private final List<Grant> grants;

    Prefetched(Prefetch prefetch, Optional<StoredRequest> request, List<Grant> grants) {
      this.requestId = prefetch.requestId();
      this.request = request;
      this.asset = prefetch.asset();
      this.grants = grants;
    }
  }

  /**
   * The account's lock, with its auto-recharge settings read in the same statement: an index probe on a small
   * table, so the threshold check after a debit costs no round trip. Only the account's row is locked; the settings
   * row changes only under that lock.
   */
  private static final String LOCK_SQL =
      "SELECT a.account_id, a.status, a.created_at, " + AutoRechargeRows.JOINED_COLUMNS
          + " FROM accounts a LEFT JOIN auto_recharges r ON r.account_id = a.account_id"
          + " WHERE a.account_id = ? FOR NO KEY UPDATE OF a";

  private static final String REQUEST_SQL = AccountRows.REQUEST_COLUMNS + " WHERE account_id = ? AND request_id = ?";

  private static final String OPEN_GRANTS_SQL =
      AccountRows.GRANT_COLUMNS + " WHERE account_id = ? AND asset = ? AND (remaining > 0 OR grant_id = ANY (?))";

  @Override
  public Optional<Account> account() {
    return Optional.ofNullable(account);
  }

  @Override
  public Optional<StoredRequest> findRequest(RequestId requestId) {
    if (prefetched != null && requestId.equals(prefetched.requestId)) {
      prefetched.requestId = null;
      return prefetched.request;
    }
    try (PreparedStatement statement = prepare(REQUEST_SQL)) {
      statement.setString(1, accountId.value());
      statement.setString(2, requestId.value());
      try (ResultSet rows = statement.executeQuery()) {
        return AccountRows.storedRequest(rows);
      }
    } catch (SQLException e) {
      throw failed("findRequest", e);
    }
  }

  @Override
  public void saveRequest(
      RequestId requestId, Operation operation, String fingerprint, Object result, Instant at) {
    pending.request(
        new PendingWrites.RequestRow(
            requestId.value(), operation.name(), fingerprint, JsonCodec.write(result), at));
  }

  @Override
  public Wallet loadWallet(Asset asset, Collection<String> alsoGrantIds) {
    if (prefetched != null && asset == prefetched.asset && alsoGrantIds.isEmpty()) {
      prefetched.asset = null;
      return new Wallet(accountId, asset, prefetched.grants);
    }
    try (PreparedStatement statement = prepare(OPEN_GRANTS_SQL)) {
      statement.setString(1, accountId.value());
      statement.setString(2, asset.name());
      statement.setArray(3, connection.createArrayOf("text", alsoGrantIds.toArray()));
      try (ResultSet rows = statement.executeQuery()) {
        return new Wallet(accountId, asset, AccountRows.grants(rows));
      }
    } catch (SQLException e) {
      throw failed("loadWallet", e);
    }
  }

  @Override
  public void save(Wallet wallet) {
    if (prefetched != null) {
      prefetched.asset = null; // read ahead before this change: stale from now on
    }
    pending.grants(wallet.addedGrants(), wallet.changedGrants());
    pending.entries(wallet.newEntries());
  }

  @Override
  public void saveDebit(DebitRecord debit) {
    pending.debit(debit);
  }

  /**
   * Sends the held-back writes (one statement). Called before any other statement of this session and by the store
   * before it commits.
   */
  void flush() {
    try {
      pending.flush(connection);
    } catch (SQLException e) {
      throw failed("writing", e);
    }
  }

  /** The account tables' repositories, joining this transaction; flush first so they see the held-back writes. */
  AccountTables tables() {
    return tables;
  }

  /** Every statement of the transaction after {@link #open} goes through here, so it sees the writes before it. */
  PreparedStatement prepare(String sql) throws SQLException {
    flush();
    return connection.prepareStatement(sql);
  }

  @Override
  public Optional<DebitRecord> findDebit(String debitId) {
    try (PreparedStatement statement =
        prepare(AccountRows.DEBIT_COLUMNS + " WHERE account_id = ? AND debit_id = ?")) {
      statement.setString(1, accountId.value());
      statement.setString(2, debitId);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(AccountRows.debit(rows, accountId)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failed("findDebit", e);
    }
  }

  @Override
  public Map<String, Long> reversibleByGrant(String debitId) {
    try (PreparedStatement statement =
        prepare(
            "SELECT grant_id, -sum(amount) FROM ledger_entries"
                + " WHERE account_id = ? AND operation_id = ? AND kind IN ('DEBIT', 'CAPTURE', 'REVERSAL')"
                + " GROUP BY grant_id HAVING -sum(amount) > 0 ORDER BY grant_id")) {
      statement.setString(1, accountId.value());
      statement.setString(2, debitId);
      Map<String, Long> reversible = new LinkedHashMap<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          reversible.put(rows.getString(1), rows.getLong(2));
        }
      }
      return reversible;
    } catch (SQLException e) {
      throw failed("reversibleByGrant", e);
    }
  }

  @Override
  public void setStatus(AccountStatus status) {
    try (PreparedStatement statement =
        prepare("UPDATE accounts SET status = ?, updated_at = now() WHERE account_id = ?")) {
      statement.setString(1, status.name());
      statement.setString(2, accountId.value());
      if (statement.executeUpdate() != 1) {
        throw new IllegalStateException("no account " + accountId + " to set the status of");
      }
      account = new Account(accountId, status, account.createdAt());
    } catch (SQLException e) {
      throw failed("setStatus", e);
    }
  }

  // ---- seat plans and charges: on repositories, through PostgresSeats

  @Override
  public SeatPlan seatPlan() {
    return seats.seatPlan();
  }

  @Override
  public void saveSeatPlan(SeatPlan plan) {
    seats.saveSeatPlan(plan);
  }

  @Override
  public Optional<SeatCharge> findSeatCharge(ChargePeriod period) {
    return seats.findSeatCharge(period);
  }

  @Override
  public Optional<SeatCharge> lastSeatCharge() {
    return seats.lastSeatCharge();
  }

  @Override
  public List<SeatCharge> owedSeatCharges() {
    return seats.owedSeatCharges();
  }

  @Override
  public void saveSeatCharge(SeatCharge charge) {
    seats.saveSeatCharge(charge);
  }

  @Override
  public void markSeatChargePaid(ChargePeriod period, Instant paidAt) {
    seats.markSeatChargePaid(period, paidAt);
  }

  @Override
  public void publish(Notification notification) {
    try (PreparedStatement statement = prepare(PostgresOutbox.APPEND_SQL)) {
      PostgresOutbox.bindAppend(statement, accountId, notification);
      statement.executeUpdate();
    } catch (SQLException e) {
      throw failed("publish", e);
    }
  }

  // ---- holds ---------------------------------------------------------------------------------------------------

  private static final String RESERVATION_COLUMNS =
      "SELECT reservation_id, asset, feature, amount, allocations::text, status, expires_at, metadata::text,"
          + " request_id, created_at, debit_id, captured, closed_at FROM reservations";

  @Override
  public void saveReservation(Reservation reservation) {
    try (PreparedStatement statement =
        prepare(
            "INSERT INTO reservations (account_id, reservation_id, asset, feature, amount, allocations, status,"
                + " expires_at, metadata, request_id, created_at) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?::jsonb, ?, ?)")) {
      int i = 1;
      statement.setString(i++, accountId.value());
      statement.setString(i++, reservation.reservationId());
      statement.setString(i++, reservation.asset().name());
      statement.setString(i++, reservation.feature());
      statement.setLong(i++, reservation.amount());
      statement.setString(i++, JsonCodec.write(reservation.allocations()));
      statement.setString(i++, reservation.status().name());
      Jdbc.setInstant(statement, i++, reservation.expiresAt());
      statement.setString(i++, JsonCodec.write(reservation.metadata()));
      statement.setString(i++, reservation.requestId());
      Jdbc.setInstant(statement, i, reservation.createdAt());
      statement.executeUpdate();
    } catch (SQLException e) {
      throw failed("saveReservation", e);
    }
  }

  @Override
  public void closeReservation(Reservation reservation) {
    try (PreparedStatement statement =
        prepare(
            "UPDATE reservations SET status = ?, debit_id = ?, captured = ?, closed_at = ?"
                + " WHERE account_id = ? AND reservation_id = ? AND status = 'OPEN'")) {
      statement.setString(1, reservation.status().name());
      statement.setString(2, reservation.debitId());
      statement.setLong(3, reservation.captured());
      Jdbc.setInstant(statement, 4, reservation.closedAt());
      statement.setString(5, accountId.value());
      statement.setString(6, reservation.reservationId());
      if (statement.executeUpdate() != 1) {
        // Under the account's lock an open hold cannot have been closed by anyone else: this is a bug, not a race.
        throw new PersistenceException("reservation " + reservation.reservationId() + " to close is not open", null);
      }
    } catch (SQLException e) {
      throw failed("closeReservation", e);
    }
  }

  @Override
  public Optional<Reservation> findReservation(String reservationId) {
    try (PreparedStatement statement =
        prepare(RESERVATION_COLUMNS + " WHERE account_id = ? AND reservation_id = ?")) {
      statement.setString(1, accountId.value());
      statement.setString(2, reservationId);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(AccountRows.reservation(rows, accountId)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failed("findReservation", e);
    }
  }

  // ---- auto-recharge --------------------------------------------------------------------------------------------

  @Override
  public Optional<AutoRecharge> autoRecharge() {
    return autoRecharge;
  }

  @Override
  public void saveAutoRecharge(AutoRecharge next) {
    try (PreparedStatement statement = prepare(AutoRechargeRows.UPSERT_SQL)) {
      AutoRechargeRows.bindUpsert(statement, next);
      statement.executeUpdate();
      autoRecharge = Optional.of(next);
    } catch (SQLException e) {
      throw failed("saveAutoRecharge", e);
    }
  }

  @Override
  public void insertRechargeAttempt(RechargeAttempt attempt) {
    try (PreparedStatement statement = prepare(AutoRechargeRows.INSERT_ATTEMPT_SQL)) {
      AutoRechargeRows.bindInsert(statement, attempt);
      statement.executeUpdate();
    } catch (SQLException e) {
      throw failed("insertRechargeAttempt", e);
    }
  }

  @Override
  public Optional<RechargeAttempt> findRechargeAttempt(long sequence) {
    try (PreparedStatement statement =
        prepare(AutoRechargeRows.ATTEMPT_COLUMNS + " WHERE account_id = ? AND sequence = ?")) {
      statement.setString(1, accountId.value());
      statement.setLong(2, sequence);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(AutoRechargeRows.attempt(rows)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failed("findRechargeAttempt", e);
    }
  }

  @Override
  public void updateRechargeAttempt(RechargeAttempt attempt) {
    try (PreparedStatement statement = prepare(AutoRechargeRows.UPDATE_ATTEMPT_SQL)) {
      statement.setString(1, attempt.status().name());
      statement.setString(2, attempt.paymentIntentId());
      statement.setString(3, attempt.error());
      Jdbc.setInstant(statement, 4, attempt.updatedAt());
      statement.setString(5, accountId.value());
      statement.setLong(6, attempt.sequence());
      if (statement.executeUpdate() != 1) {
        throw new PersistenceException("no recharge attempt " + attempt.sequence() + " to update", null);
      }
    } catch (SQLException e) {
      throw failed("updateRechargeAttempt", e);
    }
  }

  private PersistenceException failed(String what, SQLException e) {
    return new PersistenceException(what + " on account " + accountId + " failed", e);
  }
}
