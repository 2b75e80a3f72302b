package dev.obol.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.obol.domain.error.FailedPreconditionException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.DenialReason;
import dev.obol.domain.model.EntryKind;
import dev.obol.domain.model.FeatureCatalog;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.LowBalancePolicy;
import dev.obol.domain.model.Pricing;
import dev.obol.domain.model.RecordedEntry;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.port.in.DebitCommand;
import dev.obol.domain.port.in.DebitOutcome;
import dev.obol.domain.port.in.GrantCommand;
import dev.obol.domain.port.in.LedgerQuery;
import dev.obol.domain.port.in.ReverseDebitCommand;
import dev.obol.domain.port.out.AccountStore.LockMode;
import java.util.Set;
import dev.obol.domain.model.EntryContext;
import dev.obol.domain.model.Wallet;
import dev.obol.domain.port.out.AccountStore;
import dev.obol.domain.port.out.AccountSession;
import dev.obol.domain.port.out.LedgerAudit.InvariantReport;
import dev.obol.domain.service.WalletService;
import dev.obol.domain.testing.MutableClock;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.persistence.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store against a real PostgreSQL, driven through the domain service as the service does it. */
class PostgresAccountStoreTest {

  private static HikariDataSource dataSource;
  private static PostgresAccountStore store;
  private static PostgresLedgerAudit audit;
  private static final MutableClock clock = MutableClock.at("2026-11-01T10:00:00Z");
  private static WalletService wallets;

  private final AccountId account = AccountId.of("acct-" + UUID.randomUUID());

  @BeforeAll
  static void startDatabase() {
    dataSource = TestDatabase.get().freshDataSource(20);
    store = new PostgresAccountStore(dataSource);
    audit = new PostgresLedgerAudit(dataSource, store);
    wallets =
        new WalletService(
            store, store, FeatureCatalog.defaults(), LowBalancePolicy.defaults(), new TimeOrderedIds(), clock);
  }

  @AfterAll
  static void closePool() {
    dataSource.close();
  }

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant = LedgerInvariantExtension.over(() -> audit, clock::instant);

  @Test
  void debitsBurnQuotaBeforePurchasedTokensAndWriteOneEntryPerGrant() {
    grant(GrantSource.PURCHASE, 100, null, "g1");
    grant(GrantSource.SUBSCRIPTION_QUOTA, 30, clock.instant().plus(Duration.ofDays(30)), "g2");

    DebitOutcome outcome = debit("image", "d1");

    assertThat(outcome).isInstanceOf(DebitOutcome.Debited.class);
    assertThat(outcome.balance()).isEqualTo(80);
    List<RecordedEntry> entries =
        wallets.ledger(new LedgerQuery(account, null, "image", 0, null)).entries();
    assertThat(entries).extracting(e -> e.entry().amount()).containsExactly(-20L, -30L);
    assertThat(entries).extracting(e -> e.entry().balanceAfter()).containsExactly(80L, 100L);
  }

  @Test
  void retriedDebitReturnsTheFirstAnswerAndWritesNothingMore() {
    grant(GrantSource.PURCHASE, 200, null, "g1");

    DebitOutcome first = debit("image", "same-id");
    DebitOutcome again = debit("image", "same-id");

    assertThat(again).isEqualTo(first);
    assertThat(wallets.balances(account, Asset.TOKEN).get(0).balance()).isEqualTo(150);
    assertThatThrownBy(() -> debit("audio", "same-id"))
        .isInstanceOf(FailedPreconditionException.class)
        .hasFieldOrPropertyWithValue("reason", "REQUEST_ID_CONFLICT");
  }

  @Test
  void concurrentDebitsNeverOverdraw() throws Exception {
    grant(GrantSource.PURCHASE, 100, null, "g1");
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Callable<DebitOutcome>> calls = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String requestId = "c-" + i;
        calls.add(
            () ->
                wallets.checkAndDebit(
                    new DebitCommand(
                        account, new Pricing.ByAmount(Asset.TOKEN, 1), RequestId.of(requestId), Map.of())));
      }
      long allowed = 0;
      for (Future<DebitOutcome> result : pool.invokeAll(calls)) {
        if (result.get() instanceof DebitOutcome.Debited) {
          allowed++;
        }
      }
      assertThat(allowed).isEqualTo(100);
      assertThat(wallets.balances(account, Asset.TOKEN).get(0).balance()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void expiredGrantIsNotSpentAndIsSweptOnTheNextWrite() {
    grant(GrantSource.PROMO, 500, clock.instant().plus(Duration.ofMinutes(5)), "g1");
    grant(GrantSource.PURCHASE, 40, null, "g2");
    clock.advance(Duration.ofMinutes(10));

    DebitOutcome denied = debit("image", "d1");
    assertThat(denied).isInstanceOf(DebitOutcome.Denied.class);
    assertThat(((DebitOutcome.Denied) denied).reason()).isEqualTo(DenialReason.INSUFFICIENT_BALANCE);
    assertThat(denied.balance()).isEqualTo(40);
    assertThat(audit.check(account, Asset.TOKEN, clock.instant()).expiredUnswept()).isEqualTo(500);

    debit("video", "d2");
    InvariantReport report = audit.check(account, Asset.TOKEN, clock.instant());
    assertThat(report.expiredUnswept()).isZero();
    assertThat(report.sums().liveRemainingSum()).isEqualTo(30);
    assertThat(wallets.ledger(new LedgerQuery(account, Asset.TOKEN, null, 0, null)).entries())
        .extracting(e -> e.entry().kind())
        .containsExactly(EntryKind.DEBIT, EntryKind.EXPIRY, EntryKind.GRANT, EntryKind.GRANT);
  }

  @Test
  void reversalGivesBackToTheGrantsTheDebitCameFrom() {
    grant(GrantSource.SUBSCRIPTION_QUOTA, 20, clock.instant().plus(Duration.ofDays(30)), "g1");
    grant(GrantSource.PURCHASE, 100, null, "g2");
    DebitOutcome.Debited debited = (DebitOutcome.Debited) debit("image", "d1");

    var partial =
        wallets.reverseDebit(new ReverseDebitCommand(account, debited.debitId(), 10, "retry", RequestId.of("r1")));
    var rest = wallets.reverseDebit(new ReverseDebitCommand(account, debited.debitId(), 0, null, RequestId.of("r2")));

    assertThat(partial.reversed()).isEqualTo(10);
    assertThat(rest.reversed()).isEqualTo(40);
    assertThat(rest.balance()).isEqualTo(120);
    assertThat(wallets.balances(account, Asset.TOKEN).get(0).grants())
        .extracting(g -> g.remaining())
        .containsExactly(20L, 100L);
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
  void failedUnitOfWorkRollsBackEverything() {
    assertThatThrownBy(
            () ->
                store.inTransaction(
                    account,
                    LockMode.CREATE_IF_MISSING,
                    session -> {
                      throw new IllegalStateException("crash mid-request");
                    }))
        .hasMessage("crash mid-request");
    assertThat(store.findAccount(account)).isEmpty();
  }

  @Test
  void overflowingGrantIsRejectedWithoutAPartialWrite() {
    grant(GrantSource.PURCHASE, Long.MAX_VALUE - 5, null, "g1");
    assertThatThrownBy(() -> grant(GrantSource.PURCHASE, 10, null, "g2"))
        .hasFieldOrPropertyWithValue("reason", "AMOUNT_OVERFLOW");
    assertThat(wallets.balances(account, Asset.TOKEN).get(0).grants()).hasSize(1);
  }

  @Test
  void aUnitOfWorkSeesItsOwnHeldBackWritesAndReadsAheadOnlyWhatIsStillCurrent() {
    grant(GrantSource.PURCHASE, 100, null, "g1");
    Instant now = clock.instant();

    long[] seen =
        store.inTransaction(
            account,
            LockMode.EXISTING,
            new AccountStore.Prefetch(RequestId.of("g1"), Asset.TOKEN),
            session -> {
              // Read ahead with the lock: the first answer to g1 and the wallet as committed.
              assertThat(session.findRequest(RequestId.of("g1"))).isPresent();
              Wallet wallet = session.loadWallet(Asset.TOKEN, Set.of());
              wallet.debit(30, EntryKind.DEBIT, EntryContext.of("w1", "op-1", now));
              session.save(wallet);
              // Loaded again after a save: not the stale read-ahead, and the held-back writes are flushed first.
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

  private DebitOutcome debit(String feature, String requestId) {
    return wallets.checkAndDebit(
        new DebitCommand(account, new Pricing.ByFeature(feature, 1), RequestId.of(requestId), Map.of()));
  }
}
