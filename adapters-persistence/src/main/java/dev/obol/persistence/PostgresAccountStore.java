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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;

/** The wallet ports on PostgreSQL, in plain JDBC so each statement and round trip of the hot path is deliberate. */
public final class PostgresAccountStore implements AccountStore, LedgerReader, SeatAccounts {

  private final DataSource dataSource;
  private final Supplier<String> actingKeyId;

  public PostgresAccountStore(DataSource dataSource) {
    this(dataSource, () -> null);
  }

  /**
   * @param actingKeyId the API key of the call the current thread serves (null: Obol's own work). Every ledger entry
   *     and request record a transaction writes is stamped with it here, in the one place all account writes pass,
   *     so no use case can forget to say who did it.
   */
  public PostgresAccountStore(DataSource dataSource, Supplier<String> actingKeyId) {
    this.dataSource = dataSource;
    this.actingKeyId = actingKeyId;
  }

  @Override
  public <T> T inTransaction(AccountId accountId, LockMode mode, Function<AccountSession, T> work) {
    return inTransaction(accountId, mode, null, work);
  }

  @Override
  public <T> T inTransaction(
      AccountId accountId, LockMode mode, Prefetch prefetch, Function<AccountSession, T> work) {
    return Transactions.inAccountTransaction(dataSource, accountId, mode, prefetch, actingKeyId.get(), work);
  }

  // ---- LedgerReader ----------------------------------------------------------------------------------------------

  @Override
  public Optional<Account> findAccount(AccountId accountId) {
    return query(
        AccountRows.ACCOUNT_COLUMNS + " WHERE account_id = ?",
        statement -> statement.setString(1, accountId.value()),
        rows -> rows.next() ? Optional.of(AccountRows.account(rows)) : Optional.empty());
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

  @Override
  public List<RecordedEntry> entries(
      AccountId accountId, Asset asset, String feature, long beforeEntryId, int limit) {
    String sql =
        "SELECT * FROM ledger_entries WHERE account_id = ? AND entry_id < ?"
            + (asset != null ? " AND asset = ?" : "")
            + (feature != null ? " AND feature = ?" : "")
            + " ORDER BY entry_id DESC LIMIT ?";
    return query(
        sql,
        statement -> {
          int i = 1;
          statement.setString(i++, accountId.value());
          statement.setLong(i++, beforeEntryId);
          if (asset != null) {
            statement.setString(i++, asset.name());
          }
          if (feature != null) {
            statement.setString(i++, feature);
          }
          statement.setInt(i, limit);
        },
        rows -> {
          List<RecordedEntry> entries = new ArrayList<>();
          while (rows.next()) {
            entries.add(new RecordedEntry(rows.getLong("entry_id"), AccountRows.entry(rows), rows.getString("key_id")));
          }
          return entries;
        });
  }

  @Override
  public List<AccountId> accountsWithDueExpiries(Instant now, int limit) {
    return query(
        "SELECT DISTINCT account_id FROM grants"
            + " WHERE remaining > 0 AND expires_at IS NOT NULL AND expires_at <= ? LIMIT ?",
        statement -> {
          Jdbc.setInstant(statement, 1, now);
          statement.setInt(2, limit);
        },
        rows -> {
          List<AccountId> ids = new ArrayList<>();
          while (rows.next()) {
            ids.add(AccountId.of(rows.getString(1)));
          }
          return ids;
        });
  }

  // ---- seat fees and standing ------------------------------------------------------------------------------------

  @Override
  public List<AccountId> accountsWithSeats(String afterAccountId, int limit) {
    return query(
        "SELECT account_id FROM seat_plans WHERE seat_count > 0 AND account_id > ? ORDER BY account_id LIMIT ?",
        statement -> {
          statement.setString(1, afterAccountId);
          statement.setInt(2, limit);
        },
        rows -> {
          List<AccountId> ids = new ArrayList<>();
          while (rows.next()) {
            ids.add(AccountId.of(rows.getString(1)));
          }
          return ids;
        });
  }

  // ---- plumbing --------------------------------------------------------------------------------------------------

  /** A read in its own short autocommit transaction. */
  <T> T query(String sql, Transactions.Binder binder, Transactions.Reader<T> reader) {
    return Transactions.query(dataSource, sql, binder, reader);
  }
}
