package dev.obol.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.EntryContext;
import dev.obol.domain.model.EntryKind;
import dev.obol.domain.model.FeatureCatalog;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.LowBalancePolicy;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.Wallet;
import dev.obol.domain.usecase.GrantCommand;
import dev.obol.domain.port.AccountSession;
import dev.obol.domain.port.AccountStore;
import dev.obol.domain.port.AccountStore.LockMode;
import dev.obol.domain.service.WalletService;
import dev.obol.domain.testing.AccountStoreContract;
import dev.obol.domain.testing.MutableClock;
import dev.obol.persistence.testing.PersistenceContext;
import dev.obol.persistence.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store against a real PostgreSQL: the {@link AccountStoreContract} the in-memory store also passes, and what only
 * the database does (the append-only trigger, writes held back until the next statement).
 */
class PostgresAccountStoreTest extends AccountStoreContract {

  private static PersistenceContext context;
  private static HikariDataSource dataSource;
  private static PostgresAccountStore store;
  private static PostgresLedgerAudit audit;
  private static final MutableClock clock = MutableClock.at("2026-11-01T10:00:00Z");
  private static WalletService wallets;

  private final AccountId account = AccountId.of("acct-" + UUID.randomUUID());

  @BeforeAll
  static void startDatabase() {
    context = TestDatabase.get().freshContext(20);
    dataSource = context.dataSource();
    store = context.accountStore();
    audit = new PostgresLedgerAudit(context.transactions(), store);
    wallets =
        new WalletService(
            store, store, FeatureCatalog.defaults(), LowBalancePolicy.defaults(), new TimeOrderedIds(), clock);
  }

  @AfterAll
  static void closePool() {
    dataSource.close();
  }

  @Override
  protected Subject subject() {
    return new Subject(store, store, audit, clock);
  }

  @Test
  void ledgerEntriesAreAppendOnly() throws SQLException {
    grant(GrantSource.PURCHASE, 10, null, "g1");
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      assertThatThrownBy(
              () -> statement.executeUpdate("UPDATE ledger_entries SET amount = 0 WHERE account_id = '" + account + "'"))
          .hasMessageContaining("append-only");
      assertThatThrownBy(
              () -> statement.executeUpdate("DELETE FROM ledger_entries WHERE account_id = '" + account + "'"))
          .hasMessageContaining("append-only");
    }
  }

  @Test
  void heldBackWritesAreFlushedBeforeTheNextStatementOfTheUnitOfWork() {
    grant(GrantSource.PURCHASE, 100, null, "g1");
    Instant now = clock.instant();

    long[] seen =
        store.inTransaction(
            account,
            LockMode.EXISTING,
            new AccountStore.Prefetch(RequestId.of("g1"), Asset.TOKEN),
            session -> {
              Wallet wallet = session.loadWallet(Asset.TOKEN, Set.of());
              wallet.debit(30, EntryKind.DEBIT, EntryContext.of("w1", "op-1", now));
              session.save(wallet);
              // Loaded again after a save: the held-back writes are flushed first.
              long reloaded = session.loadWallet(Asset.TOKEN, Set.of()).balance();
              long entriesInTransaction = countEntries(session);
              return new long[] {reloaded, entriesInTransaction};
            });

    assertThat(seen[0]).isEqualTo(70);
    assertThat(seen[1]).isEqualTo(2);
    assertThat(wallets.balances(account, Asset.TOKEN).get(0).balance()).isEqualTo(70);
  }

  /** Counts the account's ledger entries from inside the unit of work, through a statement of its session. */
  private long countEntries(AccountSession session) {
    try (var statement =
        ((PostgresSession) session).prepare("SELECT count(*) FROM ledger_entries WHERE account_id = ?")) {
      statement.setString(1, account.value());
      try (var rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private void grant(GrantSource source, long amount, Instant expiresAt, String requestId) {
    wallets.grant(
        new GrantCommand(
            account, Asset.TOKEN, amount, source, null, expiresAt, null, "test", RequestId.of(requestId)));
  }
}
