package dev.obol.persistence;

import dev.obol.domain.model.Account;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.Grant;
import dev.obol.domain.model.RecordedEntry;
import dev.obol.domain.port.AccountSession;
import dev.obol.domain.port.AccountStore;
import dev.obol.domain.port.LedgerReader;
import dev.obol.domain.port.SeatAccounts;
import io.micronaut.data.exceptions.DataAccessException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The wallet ports on PostgreSQL. Account transactions run on {@link PostgresSession}, whose debit path is plain JDBC
 * so each statement and round trip is deliberate; the reads outside any lock (the account, the ledger listing, the
 * jobs' work lists) and the seat tables are on the repositories of {@link AccountTables}.
 */
public final class PostgresAccountStore implements AccountStore, LedgerReader, SeatAccounts {

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

  // ---- seat fees and standing ------------------------------------------------------------------------------------

  @Override
  public List<AccountId> accountsWithSeats(String afterAccountId, int limit) {
    return read("accountsWithSeats", () -> accountIds(tables.seatPlans.withSeatsAfter(afterAccountId, limit)));
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
