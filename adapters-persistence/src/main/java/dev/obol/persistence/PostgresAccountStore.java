package dev.obol.persistence;

import dev.obol.domain.model.Account;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.AccountStatus;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.EntryKind;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.UsageGrouping;
import dev.obol.domain.model.Grant;
import dev.obol.domain.model.RecordedEntry;
import dev.obol.domain.port.AccountDirectory;
import dev.obol.domain.port.AccountSession;
import dev.obol.domain.port.AccountStore;
import dev.obol.domain.port.LedgerReader;
import dev.obol.domain.port.SeatAccounts;
import dev.obol.domain.port.UsageReader;
import io.micronaut.data.exceptions.DataAccessException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The wallet ports on PostgreSQL. Account transactions run on {@link PostgresSession}, whose debit path is plain JDBC
 * so each statement and round trip is deliberate; the reads outside any lock (the account, the ledger listing, the
 * jobs' work lists) and the seat tables are on the repositories of {@link AccountTables}.
 */
public final class PostgresAccountStore implements AccountStore, LedgerReader, SeatAccounts, UsageReader, AccountDirectory {

  private final Transactions transactions;
  private final AccountTables tables;
  private final Supplier<String> actingKeyId;
  /** Null: each account transaction commits on its own. */
  private final CommitPipeline pipeline;

  /**
   * @param actingKeyId the API key of the call the current thread serves (null: Obol's own work). Every ledger entry
   *     and request record a transaction writes is stamped with it here, in the one place all account writes pass,
   *     so no use case can forget to say who did it.
   */
  public PostgresAccountStore(Transactions transactions, AccountTables tables, Supplier<String> actingKeyId) {
    this(transactions, tables, actingKeyId, null);
  }

  /**
   * @param pipeline where account transactions are batched into shared commits ({@link CommitPipeline}); null: each
   *     commits on its own
   */
  public PostgresAccountStore(
      Transactions transactions, AccountTables tables, Supplier<String> actingKeyId, CommitPipeline pipeline) {
    this.transactions = transactions;
    this.tables = tables;
    this.actingKeyId = actingKeyId;
    this.pipeline = pipeline;
  }

  @Override
  public <T> T inTransaction(AccountId accountId, LockMode mode, Function<AccountSession, T> work) {
    return inTransaction(accountId, mode, null, work);
  }

  @Override
  public <T> T inTransaction(
      AccountId accountId, LockMode mode, Prefetch prefetch, Function<AccountSession, T> work) {
    // The key is read here, on the caller's thread: a pipelined transaction runs on a writer thread.
    String keyId = actingKeyId.get();
    if (pipeline != null) {
      return pipeline.run(accountId, mode, prefetch, keyId, work);
    }
    return transactions.inAccountTransaction(accountId, mode, prefetch, keyId, work);
  }

  // ---- LedgerReader ----------------------------------------------------------------------------------------------

  @Override
  public Optional<Account> findAccount(AccountId accountId) {
    return read("findAccount", () -> tables.accounts.findById(accountId.value()).map(AccountRows::account));
  }

  @Override
  public List<Grant> openGrants(AccountId accountId, Asset asset) {
    return query(
        AccountRows.GRANT_COLUMNS + " WHERE account_id = ? AND asset = ? AND remaining > 0",
        statement -> {
          statement.setString(1, accountId.value());
          statement.setString(2, asset.name());
        },
        AccountRows::grants);
  }

  /** One round trip: both statements sent together on one connection (the read-only gate's whole database work). */
  @Override
  public Optional<AccountWallet> accountWallet(AccountId accountId, Asset asset) {
    return transactions.queryAll(
        AccountRows.ACCOUNT_COLUMNS + " WHERE account_id = ?; "
            + AccountRows.GRANT_COLUMNS + " WHERE account_id = ? AND asset = ? AND remaining > 0",
        statement -> {
          statement.setString(1, accountId.value());
          statement.setString(2, accountId.value());
          statement.setString(3, asset.name());
        },
        (statement, rows) -> {
          if (!rows.next()) {
            return Optional.empty();
          }
          Account account = AccountRows.account(rows);
          if (!statement.getMoreResults()) {
            throw new java.sql.SQLException("expected the grants' rows");
          }
          try (java.sql.ResultSet grants = statement.getResultSet()) {
            return Optional.of(new AccountWallet(account, AccountRows.grants(grants)));
          }
        });
  }

  /** Newest first, before the cursor {@code beforeEntryId}; a null asset or feature does not filter. */
  @Override
  public List<RecordedEntry> entries(
      AccountId accountId, Asset asset, String feature, long beforeEntryId, int limit) {
    return read(
        "entries",
        () ->
            tables.entries
                .page(accountId.value(), beforeEntryId, asset == null ? null : asset.name(), feature, limit)
                .stream()
                .map(AccountRows::recordedEntry)
                .toList());
  }

  @Override
  public List<AccountId> accountsWithDueExpiries(Instant now, int limit) {
    return read("accountsWithDueExpiries", () -> accountIds(tables.accounts.withDueExpiries(now, limit)));
  }

  /** Found by reservations_due (expires_at) WHERE status = 'OPEN'. */
  @Override
  public List<DueReservation> reservationsDue(Instant now, int limit) {
    return query(
        "SELECT account_id, reservation_id FROM reservations WHERE status = 'OPEN' AND expires_at <= ?"
            + " ORDER BY expires_at LIMIT ?",
        statement -> {
          Jdbc.setInstant(statement, 1, now);
          statement.setInt(2, limit);
        },
        rows -> {
          List<DueReservation> due = new ArrayList<>();
          while (rows.next()) {
            due.add(new DueReservation(AccountId.of(rows.getString(1)), rows.getString(2)));
          }
          return due;
        });
  }

  // ---- seat fees and standing ------------------------------------------------------------------------------------

  @Override
  public List<AccountId> accountsWithSeats(String afterAccountId, int limit) {
    return read("accountsWithSeats", () -> accountIds(tables.seatPlans.withSeatsAfter(afterAccountId, limit)));
  }

  // ---- UsageReader -----------------------------------------------------------------------------------------------

  /** The window's entries of one wallet, found by ledger_entries_usage (account_id, asset, created_at). */
  private static final String USAGE_WINDOW =
      " FROM ledger_entries WHERE account_id = ? AND asset = ? AND created_at >= ? AND created_at < ?";

  @Override
  public List<UsageBucket> usageBuckets(
      AccountId accountId, Asset asset, Instant from, Instant to, UsageGrouping grouping) {
    String bucket =
        switch (grouping) {
          case FEATURE -> "feature";
          case DAY -> "date_trunc('day', created_at AT TIME ZONE 'UTC')";
          case MONTH -> "date_trunc('month', created_at AT TIME ZONE 'UTC')";
        };
    String sql =
        "SELECT " + bucket + " AS bucket,"
            + " count(DISTINCT operation_id) FILTER (WHERE kind IN ('DEBIT', 'CAPTURE')) AS debit_count,"
            + " -coalesce(sum(amount) FILTER (WHERE kind IN ('DEBIT', 'CAPTURE')), 0) AS debited,"
            + " coalesce(sum(amount) FILTER (WHERE kind = 'REVERSAL'), 0) AS reversed"
            + USAGE_WINDOW + " AND kind IN ('DEBIT', 'CAPTURE', 'REVERSAL') GROUP BY 1 ORDER BY 1";
    return query(
        sql,
        statement -> bindWindow(statement, accountId, asset, from, to),
        rows -> {
          List<UsageBucket> buckets = new ArrayList<>();
          while (rows.next()) {
            String feature = null;
            Instant start = null;
            if (grouping == UsageGrouping.FEATURE) {
              feature = rows.getString("bucket");
            } else {
              start = rows.getObject("bucket", LocalDateTime.class).toInstant(ZoneOffset.UTC);
            }
            buckets.add(
                new UsageBucket(
                    feature, start, rows.getLong("debit_count"), rows.getLong("debited"), rows.getLong("reversed")));
          }
          return buckets;
        });
  }

  @Override
  public List<KindTotal> usageTotals(AccountId accountId, Asset asset, Instant from, Instant to) {
    // The grant's source matters for credits only; the join is on the grants' primary key.
    String sql =
        "SELECT e.kind, g.source, sum(e.amount) AS amount FROM ledger_entries e"
            + " JOIN grants g ON g.account_id = e.account_id AND g.grant_id = e.grant_id"
            + " WHERE e.account_id = ? AND e.asset = ? AND e.created_at >= ? AND e.created_at < ?"
            + " GROUP BY e.kind, g.source";
    return query(
        sql,
        statement -> bindWindow(statement, accountId, asset, from, to),
        rows -> {
          List<KindTotal> totals = new ArrayList<>();
          while (rows.next()) {
            totals.add(
                new KindTotal(
                    EntryKind.valueOf(rows.getString("kind")),
                    GrantSource.valueOf(rows.getString("source")),
                    rows.getLong("amount")));
          }
          return totals;
        });
  }

  private static void bindWindow(
      java.sql.PreparedStatement statement, AccountId accountId, Asset asset, Instant from, Instant to)
      throws java.sql.SQLException {
    statement.setString(1, accountId.value());
    statement.setString(2, asset.name());
    Jdbc.setInstant(statement, 3, from);
    Jdbc.setInstant(statement, 4, to);
  }

  // ---- AccountDirectory ------------------------------------------------------------------------------------------

  @Override
  public List<AccountFacts> accountFacts(String afterAccountId, AccountStatus status, Instant now, int limit) {
    // One statement per page; each correlated part reads one account's rows by an index leading with account_id.
    String sql =
        "SELECT a.account_id, a.status, coalesce(p.seat_count, 0) AS seat_count,"
            + " coalesce(p.low_balance_alerted, false) AS low_balance_alerted,"
            + " w.eur, w.has_eur, w.tokens, w.has_tokens,"
            + " (SELECT coalesce(sum(c.fee), 0) FROM seat_charges c"
            + "   WHERE c.account_id = a.account_id AND c.paid_at IS NULL) AS owed,"
            + " (SELECT c.charged_at FROM seat_charges c WHERE c.account_id = a.account_id"
            + "   ORDER BY c.period DESC LIMIT 1) AS last_charge_at"
            + " FROM accounts a LEFT JOIN seat_plans p ON p.account_id = a.account_id"
            + " CROSS JOIN LATERAL (SELECT"
            + "   coalesce(sum(g.remaining - g.held) FILTER (WHERE g.asset = 'EUR' AND (g.expires_at IS NULL OR g.expires_at > ?)), 0) AS eur,"
            + "   coalesce(bool_or(g.asset = 'EUR'), false) AS has_eur,"
            + "   coalesce(sum(g.remaining - g.held) FILTER (WHERE g.asset = 'TOKEN' AND (g.expires_at IS NULL OR g.expires_at > ?)), 0) AS tokens,"
            + "   coalesce(bool_or(g.asset = 'TOKEN'), false) AS has_tokens"
            + "   FROM grants g WHERE g.account_id = a.account_id) w"
            + " WHERE a.account_id > ? AND (CAST(? AS text) IS NULL OR a.status = ?)"
            + " ORDER BY a.account_id LIMIT ?";
    return query(
        sql,
        statement -> {
          Jdbc.setInstant(statement, 1, now);
          Jdbc.setInstant(statement, 2, now);
          statement.setString(3, afterAccountId);
          statement.setString(4, status == null ? null : status.name());
          statement.setString(5, status == null ? null : status.name());
          statement.setInt(6, limit);
        },
        rows -> {
          List<AccountFacts> facts = new ArrayList<>();
          while (rows.next()) {
            facts.add(
                new AccountFacts(
                    AccountId.of(rows.getString("account_id")),
                    AccountStatus.valueOf(rows.getString("status")),
                    rows.getLong("seat_count"),
                    rows.getLong("eur"),
                    rows.getBoolean("has_eur"),
                    rows.getLong("tokens"),
                    rows.getBoolean("has_tokens"),
                    rows.getLong("owed"),
                    Jdbc.getInstant(rows, "last_charge_at"),
                    rows.getBoolean("low_balance_alerted")));
          }
          return facts;
        });
  }

  // ---- plumbing --------------------------------------------------------------------------------------------------

  private static List<AccountId> accountIds(List<String> ids) {
    return ids.stream().map(AccountId::of).toList();
  }

  /** A repository's read outside any transaction; its failure as this module's exception. */
  private static <T> T read(String what, Supplier<T> read) {
    try {
      return read.get();
    } catch (DataAccessException e) {
      throw new PersistenceException(what + " failed", e);
    }
  }

  /** A hand-written read in its own short autocommit transaction. */
  <T> T query(String sql, Transactions.Binder binder, Transactions.Reader<T> reader) {
    return transactions.query(sql, binder, reader);
  }
}
