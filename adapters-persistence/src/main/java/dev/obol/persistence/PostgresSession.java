package dev.obol.persistence;

import dev.obol.domain.model.Account;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.AccountStatus;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.ChargePeriod;
import dev.obol.domain.model.Grant;
import dev.obol.domain.model.LedgerEntry;
import dev.obol.domain.model.Notification;
import dev.obol.domain.model.Operation;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.SeatCharge;
import dev.obol.domain.model.SeatCount;
import dev.obol.domain.model.SeatPlan;
import dev.obol.domain.model.Wallet;
import dev.obol.domain.port.out.AccountSession;
import dev.obol.domain.port.out.AccountStore.LockMode;
import dev.obol.domain.port.out.AccountStore.Prefetch;
import dev.obol.domain.port.out.DebitRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One locked account inside one open transaction. Not thread-safe; lives as long as the transaction. */
final class PostgresSession implements AccountSession {

  static final String GRANT_COLUMNS =
      "SELECT account_id, grant_id, asset, source, amount, remaining, priority, expires_at, reference, reason,"
          + " created_at FROM grants";

  private final Connection connection;
  private final AccountId accountId;
  private Account account;
  private final PendingWrites pending;
  private Prefetched prefetched;

  private PostgresSession(Connection connection, AccountId accountId, Account account, String keyId) {
    this.pending = new PendingWrites(accountId, keyId);
    this.connection = connection;
    this.accountId = accountId;
    this.account = account;
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
   */
  static PostgresSession open(Connection connection, AccountId accountId, LockMode mode, Prefetch prefetch)
      throws SQLException {
    return open(connection, accountId, mode, prefetch, null);
  }

  /** @param keyId the API key whose call this transaction serves, stamped on what it writes; null: Obol itself */
  static PostgresSession open(
      Connection connection, AccountId accountId, LockMode mode, Prefetch prefetch, String keyId)
      throws SQLException {
    StringBuilder sql = new StringBuilder();
    if (mode == LockMode.CREATE_IF_MISSING) {
      sql.append(
          "INSERT INTO accounts (account_id, status, created_at, updated_at) VALUES (?, 'ACTIVE', now(), now())"
              + " ON CONFLICT (account_id) DO NOTHING; ");
    }
    sql.append("SELECT account_id, status, created_at FROM accounts WHERE account_id = ? FOR NO KEY UPDATE");
    if (prefetch != null) {
      sql.append("; ").append(REQUEST_SQL).append("; ").append(OPEN_GRANTS_SQL);
    }
    try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
      int i = 1;
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
      if (mode == LockMode.CREATE_IF_MISSING) {
        isQuery = statement.getMoreResults(); // past the insert's update count
      }
      if (!isQuery) {
        throw new SQLException("expected the account lock's rows");
      }
      Account account;
      try (ResultSet rows = statement.getResultSet()) {
        account = rows.next() ? PostgresAccountStore.account(rows) : null;
      }
      PostgresSession session = new PostgresSession(connection, accountId, account, keyId);
      if (prefetch != null) {
        statement.getMoreResults();
        Optional<StoredRequest> request;
        try (ResultSet rows = statement.getResultSet()) {
          request = storedRequest(rows);
        }
        statement.getMoreResults();
        List<Grant> grants;
        try (ResultSet rows = statement.getResultSet()) {
          grants = grants(rows);
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

  private static final String REQUEST_SQL =
      "SELECT operation, fingerprint, result::text FROM request_log WHERE account_id = ? AND request_id = ?";

  private static final String OPEN_GRANTS_SQL =
      GRANT_COLUMNS + " WHERE account_id = ? AND asset = ? AND (remaining > 0 OR grant_id = ANY (?))";

  private static Optional<StoredRequest> storedRequest(ResultSet rows) throws SQLException {
    if (!rows.next()) {
      return Optional.empty();
    }
    Operation operation = Operation.valueOf(rows.getString(1));
    return Optional.of(
        new StoredRequest(operation, rows.getString(2), JsonCodec.read(rows.getString(3), operation.resultType())));
  }

  private static List<Grant> grants(ResultSet rows) throws SQLException {
    List<Grant> grants = new ArrayList<>();
    while (rows.next()) {
      grants.add(PostgresAccountStore.grant(rows));
    }
    return grants;
  }

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
        return storedRequest(rows);
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
        return new Wallet(accountId, asset, grants(rows));
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

  /** Every statement of the transaction after {@link #open} goes through here, so it sees the writes before it. */
  PreparedStatement prepare(String sql) throws SQLException {
    flush();
    return connection.prepareStatement(sql);
  }

  @Override
  public Optional<DebitRecord> findDebit(String debitId) {
    try (PreparedStatement statement =
        prepare(
            "SELECT debit_id, asset, feature, amount, metadata::text, request_id, created_at FROM debits"
                + " WHERE account_id = ? AND debit_id = ?")) {
      statement.setString(1, accountId.value());
      statement.setString(2, debitId);
      try (ResultSet rows = statement.executeQuery()) {
        if (!rows.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new DebitRecord(
                rows.getString("debit_id"),
                accountId,
                Asset.valueOf(rows.getString("asset")),
                rows.getString("feature"),
                rows.getLong("amount"),
                JsonCodec.readMap(rows.getString("metadata")),
                RequestId.of(rows.getString("request_id")),
                Jdbc.getInstant(rows, "created_at")));
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
                + " WHERE account_id = ? AND operation_id = ? AND kind IN ('DEBIT', 'REVERSAL')"
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

  // ---- seat fees and standing

  @Override
  public SeatPlan seatPlan() {
    try (PreparedStatement statement =
        prepare(
            "SELECT seat_count, low_balance_alerted, low_balance_notified_in, status_reason FROM seat_plans"
                + " WHERE account_id = ?")) {
      statement.setString(1, accountId.value());
      try (ResultSet rows = statement.executeQuery()) {
        if (!rows.next()) {
          return SeatPlan.NONE;
        }
        String notifiedIn = rows.getString(3);
        return new SeatPlan(
            SeatCount.of(rows.getLong(1)),
            rows.getBoolean(2),
            notifiedIn == null ? null : ChargePeriod.parse(notifiedIn),
            rows.getString(4));
      }
    } catch (SQLException e) {
      throw failed("seatPlan", e);
    }
  }

  @Override
  public void saveSeatPlan(SeatPlan plan) {
    try (PreparedStatement statement =
        prepare(
            "INSERT INTO seat_plans (account_id, seat_count, low_balance_alerted, low_balance_notified_in,"
                + " status_reason, updated_at) VALUES (?, ?, ?, ?, ?, now())"
                + " ON CONFLICT (account_id) DO UPDATE SET seat_count = excluded.seat_count,"
                + " low_balance_alerted = excluded.low_balance_alerted,"
                + " low_balance_notified_in = excluded.low_balance_notified_in,"
                + " status_reason = excluded.status_reason, updated_at = excluded.updated_at")) {
      statement.setString(1, accountId.value());
      statement.setLong(2, plan.seatCount().value());
      statement.setBoolean(3, plan.lowBalanceAlerted());
      statement.setString(4, plan.lowBalanceNotifiedIn() == null ? null : plan.lowBalanceNotifiedIn().toString());
      statement.setString(5, plan.statusReason());
      statement.executeUpdate();
    } catch (SQLException e) {
      throw failed("saveSeatPlan", e);
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

  private static final String SEAT_CHARGE_COLUMNS =
      "SELECT period, charge_id, seat_count, fee, outcome, charged_at, paid_at FROM seat_charges WHERE account_id = ?";

  @Override
  public Optional<SeatCharge> findSeatCharge(ChargePeriod period) {
    List<SeatCharge> charges = seatCharges(" AND period = ?", period.toString());
    return charges.stream().findFirst();
  }

  @Override
  public Optional<SeatCharge> lastSeatCharge() {
    return seatCharges(" ORDER BY period DESC LIMIT 1", null).stream().findFirst();
  }

  @Override
  public List<SeatCharge> owedSeatCharges() {
    return seatCharges(" AND paid_at IS NULL ORDER BY period", null);
  }

  private List<SeatCharge> seatCharges(String condition, String period) {
    try (PreparedStatement statement = prepare(SEAT_CHARGE_COLUMNS + condition)) {
      statement.setString(1, accountId.value());
      if (period != null) {
        statement.setString(2, period);
      }
      List<SeatCharge> charges = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          charges.add(
              new SeatCharge(
                  accountId,
                  ChargePeriod.parse(rows.getString("period")),
                  rows.getString("charge_id"),
                  SeatCount.of(rows.getLong("seat_count")),
                  rows.getLong("fee"),
                  SeatCharge.Outcome.valueOf(rows.getString("outcome")),
                  Jdbc.getInstant(rows, "charged_at"),
                  Jdbc.getInstant(rows, "paid_at")));
        }
      }
      return charges;
    } catch (SQLException e) {
      throw failed("seatCharges", e);
    }
  }

  @Override
  public void saveSeatCharge(SeatCharge charge) {
    try (PreparedStatement statement =
        prepare(
            "INSERT INTO seat_charges (account_id, period, charge_id, seat_count, fee, outcome, charged_at, paid_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      statement.setString(1, accountId.value());
      statement.setString(2, charge.period().toString());
      statement.setString(3, charge.chargeId());
      statement.setLong(4, charge.seatCount().value());
      statement.setLong(5, charge.feeCents());
      statement.setString(6, charge.outcome().name());
      Jdbc.setInstant(statement, 7, charge.chargedAt());
      Jdbc.setInstant(statement, 8, charge.paidAt());
      statement.executeUpdate();
    } catch (SQLException e) {
      throw failed("saveSeatCharge", e);
    }
  }

  @Override
  public void markSeatChargePaid(ChargePeriod period, Instant paidAt) {
    try (PreparedStatement statement =
        prepare(
            "UPDATE seat_charges SET paid_at = ? WHERE account_id = ? AND period = ? AND paid_at IS NULL")) {
      Jdbc.setInstant(statement, 1, paidAt);
      statement.setString(2, accountId.value());
      statement.setString(3, period.toString());
      if (statement.executeUpdate() != 1) {
        throw new IllegalStateException("no owed seat charge " + period + " on account " + accountId);
      }
    } catch (SQLException e) {
      throw failed("markSeatChargePaid", e);
    }
  }

  @Override
  public void publish(Notification notification) {
    try (PreparedStatement statement =
        prepare(
            "INSERT INTO outbox (account_id, event_id, type, body, created_at, next_attempt_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
      statement.setString(1, accountId.value());
      statement.setString(2, notification.eventId());
      statement.setString(3, notification.type().wireName());
      statement.setString(4, PostgresOutbox.body(notification));
      Jdbc.setInstant(statement, 5, notification.createdAt());
      Jdbc.setInstant(statement, 6, notification.createdAt());
      statement.executeUpdate();
    } catch (SQLException e) {
      throw failed("publish", e);
    }
  }

  private PersistenceException failed(String what, SQLException e) {
    return new PersistenceException(what + " on account " + accountId + " failed", e);
  }
}
