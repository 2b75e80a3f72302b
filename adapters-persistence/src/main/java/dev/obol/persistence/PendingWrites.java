package dev.obol.persistence;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Grant;
import dev.obol.domain.model.LedgerEntry;
import dev.obol.domain.port.DebitRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The hot path's writes of one account transaction (new and changed grants, ledger entries, debits, the idempotency
 * record), held back and sent as <em>one</em> statement: data-modifying CTEs over arrays. A debit then costs one round
 * trip for all its writes instead of one per table, whatever the number of grants it burns, and several operations'
 * writes could share it. {@link PostgresSession} flushes before any other statement and before commit, so every
 * statement still sees what came before it.
 */
final class PendingWrites {

  private final AccountId accountId;
  private final String keyId;
  private final Map<String, Grant> insertedGrants = new LinkedHashMap<>();
  private final Map<String, Grant> updatedGrants = new LinkedHashMap<>();
  private final List<LedgerEntry> entries = new ArrayList<>();
  private final List<DebitRecord> debits = new ArrayList<>();
  private final List<RequestRow> requests = new ArrayList<>();

  record RequestRow(String requestId, String operation, String fingerprint, String resultJson, Instant createdAt) {}

  /** @param keyId stamped on every ledger entry and request record written: who did it (null: Obol itself) */
  PendingWrites(AccountId accountId, String keyId) {
    this.accountId = accountId;
    this.keyId = keyId;
  }

  void grants(Collection<Grant> added, Collection<Grant> changed) {
    for (Grant grant : added) {
      insertedGrants.put(grant.grantId(), grant);
    }
    for (Grant grant : changed) {
      // A grant inserted by this same flush is inserted with its latest state; the others are updated.
      if (insertedGrants.containsKey(grant.grantId())) {
        insertedGrants.put(grant.grantId(), grant);
      } else {
        updatedGrants.put(grant.grantId(), grant);
      }
    }
  }

  void entries(List<LedgerEntry> newEntries) {
    entries.addAll(newEntries);
  }

  void debit(DebitRecord debit) {
    debits.add(debit);
  }

  void request(RequestRow request) {
    requests.add(request);
  }

  boolean isEmpty() {
    return insertedGrants.isEmpty()
        && updatedGrants.isEmpty()
        && entries.isEmpty()
        && debits.isEmpty()
        && requests.isEmpty();
  }

  /** Sends everything pending as one statement, then forgets it. */
  void flush(Connection connection) throws SQLException {
    Statement statement = take();
    if (statement != null) {
      statement.execute(connection);
    }
  }

  /**
   * Everything pending as one statement, not yet sent, and forgets it here; null when nothing is pending. The commit
   * pipeline sends it in the same round trip as the next account's lock ({@link PostgresSession}), or alone before
   * the commit.
   */
  Statement take() {
    if (isEmpty()) {
      return null;
    }
    List<Part> parts = new ArrayList<>();
    if (!insertedGrants.isEmpty()) {
      parts.add(
          Part.values(
              "INSERT INTO grants (account_id, grant_id, asset, source, amount, remaining, held, priority,"
                  + " expires_at, reference, reason, created_at) VALUES ",
              "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              insertedGrants.values(),
              (statement, i, grant) -> {
                statement.setString(i++, accountId.value());
                statement.setString(i++, grant.grantId());
                statement.setString(i++, grant.asset().name());
                statement.setString(i++, grant.source().name());
                statement.setLong(i++, grant.amount());
                statement.setLong(i++, grant.remaining());
                statement.setLong(i++, grant.held());
                statement.setInt(i++, grant.priority());
                Jdbc.setInstant(statement, i++, grant.expiresAt());
                statement.setString(i++, grant.reference());
                statement.setString(i++, grant.reason());
                Jdbc.setInstant(statement, i++, grant.createdAt());
                return i;
              },
              "",
              (statement, i) -> i));
    }
    if (!updatedGrants.isEmpty()) {
      parts.add(
          Part.values(
              "UPDATE grants g SET remaining = u.remaining, held = u.held FROM (VALUES ",
              "(?, ?::bigint, ?::bigint)",
              updatedGrants.values(),
              (statement, i, grant) -> {
                statement.setString(i++, grant.grantId());
                statement.setLong(i++, grant.remaining());
                statement.setLong(i++, grant.held());
                return i;
              },
              ") AS u (grant_id, remaining, held) WHERE g.account_id = ? AND g.grant_id = u.grant_id",
              (statement, i) -> {
                statement.setString(i, accountId.value());
                return i + 1;
              }));
    }
    if (!entries.isEmpty()) {
      // Rows of a VALUES list are inserted in order, so entry ids (an identity) follow the order the entries were
      // made in and the last entry of a wallet carries its balance after.
      parts.add(
          Part.values(
              "INSERT INTO ledger_entries (account_id, asset, grant_id, kind, amount, balance_after, feature, reason,"
                  + " request_id, operation_id, created_at, key_id, held_change) VALUES ",
              "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              entries,
              (statement, i, entry) -> {
                statement.setString(i++, accountId.value());
                statement.setString(i++, entry.asset().name());
                statement.setString(i++, entry.grantId());
                statement.setString(i++, entry.kind().name());
                statement.setLong(i++, entry.amount());
                statement.setLong(i++, entry.balanceAfter());
                statement.setString(i++, entry.feature());
                statement.setString(i++, entry.reason());
                statement.setString(i++, entry.requestId());
                statement.setString(i++, entry.operationId());
                Jdbc.setInstant(statement, i++, entry.createdAt());
                statement.setString(i++, keyId);
                statement.setLong(i++, entry.heldChange());
                return i;
              },
              "",
              (statement, i) -> i));
    }
    if (!debits.isEmpty()) {
      parts.add(
          Part.values(
              "INSERT INTO debits (account_id, debit_id, asset, feature, amount, metadata, request_id, created_at)"
                  + " VALUES ",
              "(?, ?, ?, ?, ?, ?::jsonb, ?, ?)",
              debits,
              (statement, i, debit) -> {
                statement.setString(i++, accountId.value());
                statement.setString(i++, debit.debitId());
                statement.setString(i++, debit.asset().name());
                statement.setString(i++, debit.feature());
                statement.setLong(i++, debit.amount());
                statement.setString(i++, JsonCodec.write(debit.metadata()));
                statement.setString(i++, debit.requestId().value());
                Jdbc.setInstant(statement, i++, debit.createdAt());
                return i;
              },
              "",
              (statement, i) -> i));
    }
    if (!requests.isEmpty()) {
      parts.add(
          Part.values(
              "INSERT INTO request_log (account_id, request_id, operation, fingerprint, result, created_at, key_id)"
                  + " VALUES ",
              "(?, ?, ?, ?, ?::jsonb, ?, ?)",
              requests,
              (statement, i, request) -> {
                statement.setString(i++, accountId.value());
                statement.setString(i++, request.requestId());
                statement.setString(i++, request.operation());
                statement.setString(i++, request.fingerprint());
                statement.setString(i++, request.resultJson());
                Jdbc.setInstant(statement, i++, request.createdAt());
                statement.setString(i++, keyId);
                return i;
              },
              "",
              (statement, i) -> i));
    }
    Statement statement = Statement.of(parts);
    insertedGrants.clear();
    updatedGrants.clear();
    entries.clear();
    debits.clear();
    requests.clear();
    return statement;
  }

  /**
   * One statement: every part but the last as a data-modifying CTE, the last as the main statement. PostgreSQL runs
   * each CTE exactly once and to completion; the ledger's foreign key to a grant inserted by a sibling CTE is checked
   * at the end of the statement, when that grant exists. It answers with an update count, no rows.
   *
   * @param binder binds its parameters from an index on (so it can lead a statement list); returns the next index
   */
  record Statement(String sql, PartBinder binder) {

    static Statement of(List<Part> parts) {
      StringBuilder sql = new StringBuilder();
      for (int i = 0; i < parts.size() - 1; i++) {
        sql.append(i == 0 ? "WITH " : ", ").append('w').append(i).append(" AS (").append(parts.get(i).sql()).append(')');
      }
      sql.append(parts.size() > 1 ? " " : "").append(parts.get(parts.size() - 1).sql());
      List<Part> copy = List.copyOf(parts);
      return new Statement(
          sql.toString(),
          (statement, index) -> {
            for (Part part : copy) {
              index = part.binder().bind(statement, index);
            }
            return index;
          });
    }

    void execute(Connection connection) throws SQLException {
      // The statement's text depends only on the row counts, so the driver's per-connection cache of server-prepared
      // statements keeps the few shapes a debit or a grant produces.
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        binder.bind(statement, 1);
        statement.execute();
      }
    }
  }

  private interface RowBinder<T> {
    /** Binds one row's values from {@code index} on; returns the next free index. */
    int bind(PreparedStatement statement, int index, T row) throws SQLException;
  }

  interface PartBinder {
    int bind(PreparedStatement statement, int index) throws SQLException;
  }

  private record Part(String sql, PartBinder binder) {

    /** {@code head} + one {@code row} per row + {@code tail}; {@code tailBinder} binds the tail's parameters. */
    static <T> Part values(
        String head, String row, Collection<T> rows, RowBinder<T> binder, String tail, PartBinder tailBinder) {
      StringJoiner list = new StringJoiner(", ", head, tail);
      for (int i = 0; i < rows.size(); i++) {
        list.add(row);
      }
      List<T> copy = List.copyOf(rows);
      return new Part(
          list.toString(),
          (statement, index) -> {
            for (T each : copy) {
              index = binder.bind(statement, index, each);
            }
            return tailBinder.bind(statement, index);
          });
    }
  }
}
