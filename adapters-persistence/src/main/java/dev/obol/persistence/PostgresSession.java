package dev.obol.persistence;

import dev.obol.domain.model.Account;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.AccountStatus;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.Grant;
import dev.obol.domain.model.LedgerEntry;
import dev.obol.domain.model.Operation;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.Wallet;
import dev.obol.domain.port.out.AccountSession;
import dev.obol.domain.port.out.AccountStore.LockMode;
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
  private final Account account;

  private PostgresSession(Connection connection, AccountId accountId, Account account) {
    this.connection = connection;
    this.accountId = accountId;
    this.account = account;
  }

  /**
   * Takes the account's row lock first: every later read in the transaction then sees the writes of whoever held it
   * before (READ COMMITTED takes a new snapshot per statement), which is what makes the idempotency check and the
   * balance check race-free.
   */
  static PostgresSession open(Connection connection, AccountId accountId, LockMode mode) throws SQLException {
    if (mode == LockMode.CREATE_IF_MISSING) {
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO accounts (account_id, status, created_at, updated_at) VALUES (?, ?, now(), now())"
                  + " ON CONFLICT (account_id) DO NOTHING")) {
        insert.setString(1, accountId.value());
        insert.setString(2, AccountStatus.ACTIVE.name());
        insert.executeUpdate();
      }
    }
    try (PreparedStatement lock =
        connection.prepareStatement(
            "SELECT account_id, status, created_at FROM accounts WHERE account_id = ? FOR NO KEY UPDATE")) {
      lock.setString(1, accountId.value());
      try (ResultSet rows = lock.executeQuery()) {
        Account account = rows.next() ? PostgresAccountStore.account(rows) : null;
        return new PostgresSession(connection, accountId, account);
      }
    }
  }

  Connection connection() {
    return connection;
  }

  @Override
  public Optional<Account> account() {
    return Optional.ofNullable(account);
  }

  @Override
  public Optional<StoredRequest> findRequest(RequestId requestId) {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT operation, fingerprint, result::text FROM request_log WHERE account_id = ? AND request_id = ?")) {
      statement.setString(1, accountId.value());
      statement.setString(2, requestId.value());
      try (ResultSet rows = statement.executeQuery()) {
        if (!rows.next()) {
          return Optional.empty();
        }
        Operation operation = Operation.valueOf(rows.getString(1));
        return Optional.of(
            new StoredRequest(
                operation, rows.getString(2), JsonCodec.read(rows.getString(3), operation.resultType())));
      }
    } catch (SQLException e) {
      throw failed("findRequest", e);
    }
  }

  @Override
  public void saveRequest(
      RequestId requestId, Operation operation, String fingerprint, Object result, Instant at) {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO request_log (account_id, request_id, operation, fingerprint, result, created_at)"
                + " VALUES (?, ?, ?, ?, ?::jsonb, ?)")) {
      statement.setString(1, accountId.value());
      statement.setString(2, requestId.value());
      statement.setString(3, operation.name());
      statement.setString(4, fingerprint);
      statement.setString(5, JsonCodec.write(result));
      Jdbc.setInstant(statement, 6, at);
      statement.executeUpdate();
    } catch (SQLException e) {
      throw failed("saveRequest", e);
    }
  }

  @Override
  public Wallet loadWallet(Asset asset, Collection<String> alsoGrantIds) {
    try (PreparedStatement statement =
        connection.prepareStatement(
            GRANT_COLUMNS + " WHERE account_id = ? AND asset = ? AND (remaining > 0 OR grant_id = ANY (?))")) {
      statement.setString(1, accountId.value());
      statement.setString(2, asset.name());
      statement.setArray(3, connection.createArrayOf("text", alsoGrantIds.toArray()));
      List<Grant> grants = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          grants.add(PostgresAccountStore.grant(rows));
        }
      }
      return new Wallet(accountId, asset, grants);
    } catch (SQLException e) {
      throw failed("loadWallet", e);
    }
  }

  @Override
  public void save(Wallet wallet) {
    try {
      insertGrants(wallet.addedGrants());
      updateGrants(wallet.changedGrants());
      insertEntries(wallet.newEntries());
    } catch (SQLException e) {
      throw failed("save wallet", e);
    }
  }

  private void insertGrants(List<Grant> grants) throws SQLException {
    if (grants.isEmpty()) {
      return;
    }
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO grants (account_id, grant_id, asset, source, amount, remaining, priority, expires_at,"
                + " reference, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (Grant grant : grants) {
        statement.setString(1, grant.accountId().value());
        statement.setString(2, grant.grantId());
        statement.setString(3, grant.asset().name());
        statement.setString(4, grant.source().name());
        statement.setLong(5, grant.amount());
        statement.setLong(6, grant.remaining());
        statement.setInt(7, grant.priority());
        Jdbc.setInstant(statement, 8, grant.expiresAt());
        statement.setString(9, grant.reference());
        statement.setString(10, grant.reason());
        Jdbc.setInstant(statement, 11, grant.createdAt());
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  private void updateGrants(Collection<Grant> grants) throws SQLException {
    if (grants.isEmpty()) {
      return;
    }
    try (PreparedStatement statement =
        connection.prepareStatement("UPDATE grants SET remaining = ? WHERE account_id = ? AND grant_id = ?")) {
      for (Grant grant : grants) {
        statement.setLong(1, grant.remaining());
        statement.setString(2, grant.accountId().value());
        statement.setString(3, grant.grantId());
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  private void insertEntries(List<LedgerEntry> entries) throws SQLException {
    if (entries.isEmpty()) {
      return;
    }
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO ledger_entries (account_id, asset, grant_id, kind, amount, balance_after, feature, reason,"
                + " request_id, operation_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (LedgerEntry entry : entries) {
        statement.setString(1, entry.accountId().value());
        statement.setString(2, entry.asset().name());
        statement.setString(3, entry.grantId());
        statement.setString(4, entry.kind().name());
        statement.setLong(5, entry.amount());
        statement.setLong(6, entry.balanceAfter());
        statement.setString(7, entry.feature());
        statement.setString(8, entry.reason());
        statement.setString(9, entry.requestId());
        statement.setString(10, entry.operationId());
        Jdbc.setInstant(statement, 11, entry.createdAt());
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  @Override
  public void saveDebit(DebitRecord debit) {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO debits (account_id, debit_id, asset, feature, amount, metadata, request_id, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?)")) {
      statement.setString(1, debit.accountId().value());
      statement.setString(2, debit.debitId());
      statement.setString(3, debit.asset().name());
      statement.setString(4, debit.feature());
      statement.setLong(5, debit.amount());
      statement.setString(6, JsonCodec.write(debit.metadata()));
      statement.setString(7, debit.requestId().value());
      Jdbc.setInstant(statement, 8, debit.createdAt());
      statement.executeUpdate();
    } catch (SQLException e) {
      throw failed("saveDebit", e);
    }
  }

  @Override
  public Optional<DebitRecord> findDebit(String debitId) {
    try (PreparedStatement statement =
        connection.prepareStatement(
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
        connection.prepareStatement(
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

  private PersistenceException failed(String what, SQLException e) {
    return new PersistenceException(what + " on account " + accountId + " failed", e);
  }
}
