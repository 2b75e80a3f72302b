package dev.obol.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.zaxxer.hikari.HikariDataSource;
import dev.obol.domain.model.Account;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.FeatureCatalog;
import dev.obol.domain.model.Grant;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.LowBalancePolicy;
import dev.obol.domain.model.Pricing;
import dev.obol.domain.model.RecordedEntry;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.usecase.DebitCommand;
import dev.obol.domain.usecase.GrantCommand;
import dev.obol.domain.port.LedgerAudit.Check;
import dev.obol.domain.port.LedgerAudit.InvariantReport;
import dev.obol.domain.port.LedgerAudit.Violation;
import dev.obol.domain.port.LedgerReader;
import dev.obol.domain.port.Activity;
import dev.obol.domain.service.HoldService;
import dev.obol.domain.service.WalletService;
import dev.obol.domain.usecase.ReserveCommand;
import dev.obol.domain.testing.MutableClock;
import dev.obol.persistence.testing.PersistenceContext;
import dev.obol.persistence.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each check of the audit can fail: a test corrupts one row behind Obol's back (or, for the read path, breaks the
 * reader) and expects the report to name that wallet, grant or entry and that check, and no other wallet.
 */
class PostgresLedgerAuditTest {

  private static PersistenceContext context;
  private static HikariDataSource dataSource;
  private static PostgresAccountStore store;
  private static PostgresLedgerAudit audit;
  private static final MutableClock clock = MutableClock.at("2026-11-01T10:00:00Z");
  private static WalletService wallets;

  private final AccountId account = AccountId.of("acct-" + UUID.randomUUID());
  private final AccountId bystander = AccountId.of("bystander-" + UUID.randomUUID());
  private String purchase;
  private String promo;

  @BeforeAll
  static void startDatabase() {
    context = TestDatabase.get().freshContext(4);
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

  /** Two grants and a debit that burns from both, and another account's wallet that nobody corrupts. */
  @BeforeEach
  void aConsistentLedger() {
    promo = grant(account, GrantSource.PROMO, 30, clock.instant().plus(Duration.ofDays(1)), "g-promo");
    purchase = grant(account, GrantSource.PURCHASE, 100, null, "g-purchase");
    debit(account, 50, "d1");
    grant(bystander, GrantSource.PURCHASE, 10, null, "g-bystander");
    assertThat(ours(audit.checkAll(clock.instant()))).hasSize(2).allSatisfy(r -> assertThat(r.violations()).isEmpty());
  }

  @Test
  void aGrantWhoseRemainingWasChangedBreaksTheWalletSumAndItsOwnSum() {
    corrupt("UPDATE grants SET remaining = remaining - 7 WHERE account_id = '%s' AND grant_id = '%s'"
        .formatted(account, purchase));

    InvariantReport report = onlyBrokenWallet();
    assertThat(report.violationsOf(Check.WALLET_ENTRIES_MATCH_GRANTS))
        .containsExactly(new Violation(Check.WALLET_ENTRIES_MATCH_GRANTS, Violation.WALLET, 73, 80));
    assertThat(report.violationsOf(Check.GRANT_ENTRIES_MATCH_REMAINING))
        .containsExactly(new Violation(Check.GRANT_ENTRIES_MATCH_REMAINING, purchase, 73, 80));
    assertThat(report.violationsOf(Check.BALANCE_AFTER_MATCHES_ENTRIES)).isEmpty();
  }

  @Test
  void anEntryMovedToAnotherGrantBreaksBothGrantsSumsOnly() {
    long promoDebit = entryId("DEBIT", promo);
    corruptLedger("UPDATE ledger_entries SET grant_id = '%s' WHERE account_id = '%s' AND entry_id = %d"
        .formatted(purchase, account, promoDebit));

    InvariantReport report = onlyBrokenWallet();
    // The promo grant's 30 were debited: its own entries now say 30 left, the purchase's say 20 left, not 50.
    assertThat(report.violations())
        .containsExactlyInAnyOrder(
            new Violation(Check.GRANT_ENTRIES_MATCH_REMAINING, promo, 0, 30),
            new Violation(Check.GRANT_ENTRIES_MATCH_REMAINING, purchase, 80, 50));
  }

  @Test
  void aHeldPartChangedBehindTheHoldsBackBreaksItsEntriesAndItsOpenHolds() {
    HoldService holds =
        new HoldService(
            store, store, FeatureCatalog.defaults(), LowBalancePolicy.defaults(), new TimeOrderedIds(), clock,
            Activity.NONE);
    holds.reserve(
        new ReserveCommand(account, Pricing.of(null, 0, Asset.TOKEN, 40), 0, RequestId.of("h1"), Map.of()));
    assertThat(audit.check(account, Asset.TOKEN, clock.instant()).violations()).isEmpty();
    assertThat(audit.check(account, Asset.TOKEN, clock.instant()).sums().heldSum()).isEqualTo(40);

    corrupt("UPDATE grants SET held = held + 5 WHERE account_id = '%s' AND grant_id = '%s'"
        .formatted(account, purchase));

    InvariantReport report = onlyBrokenWallet();
    assertThat(report.violations())
        .containsExactlyInAnyOrder(
            new Violation(Check.GRANT_ENTRIES_MATCH_HELD, purchase, 45, 40),
            new Violation(Check.HELD_MATCHES_OPEN_HOLDS, purchase, 45, 40));
  }

  @Test
  void anEntryWithAWrongBalanceAfterIsNamed() {
    long firstGrant = entryId("GRANT", promo);
    corruptLedger("UPDATE ledger_entries SET balance_after = balance_after + 1 WHERE account_id = '%s' AND entry_id = %d"
        .formatted(account, firstGrant));

    InvariantReport report = onlyBrokenWallet();
    assertThat(report.violations())
        .containsExactly(new Violation(Check.BALANCE_AFTER_MATCHES_ENTRIES, "entry " + firstGrant, 30, 31));
  }

  @Test
  void theLastEntrysBalanceAfterMustBeTheWalletsBalance() {
    long last = store.entries(account, Asset.TOKEN, null, Long.MAX_VALUE, 1).get(0).entryId();
    corruptLedger("UPDATE ledger_entries SET balance_after = 0 WHERE account_id = '%s' AND entry_id = %d"
        .formatted(account, last));

    InvariantReport report = onlyBrokenWallet();
    assertThat(report.sums().lastBalanceAfter()).isZero();
    assertThat(report.violations())
        .containsExactly(new Violation(Check.BALANCE_AFTER_MATCHES_ENTRIES, "entry " + last, 80, 0));
  }

  @Test
  void aReadPathThatLosesAGrantAnswersABalanceTheRowsDoNotHave() {
    LedgerReader losesThePurchase =
        new LedgerReader() {
          @Override
          public Optional<Account> findAccount(AccountId accountId) {
            return store.findAccount(accountId);
          }

          @Override
          public List<Grant> openGrants(AccountId accountId, Asset asset) {
            return store.openGrants(accountId, asset).stream().filter(g -> !g.grantId().equals(purchase)).toList();
          }

          @Override
          public List<RecordedEntry> entries(
              AccountId accountId, Asset asset, String feature, long beforeEntryId, int limit) {
            return store.entries(accountId, asset, feature, beforeEntryId, limit);
          }

          @Override
          public List<AccountId> accountsWithDueExpiries(Instant now, int limit) {
            return store.accountsWithDueExpiries(now, limit);
          }

          @Override
          public List<DueReservation> reservationsDue(Instant now, int limit) {
            return store.reservationsDue(now, limit);
          }
        };

    List<InvariantReport> broken =
        ours(new PostgresLedgerAudit(context.transactions(), losesThePurchase).checkAll(clock.instant())).stream()
            .filter(r -> !r.holds())
            .toList();

    assertThat(broken).extracting(InvariantReport::accountId).containsExactly(account);
    assertThat(broken.get(0).violations())
        .containsExactly(new Violation(Check.READ_BALANCE_MATCHES_LIVE_GRANTS, Violation.WALLET, 80, 0));
  }

  @Test
  void aGrantExpiredButNotSweptIsNoViolation() {
    // Not a corruption: two days on, the promo grant has expired (with nothing left) and was not swept.
    InvariantReport report = audit.check(account, Asset.TOKEN, clock.instant().plus(Duration.ofDays(2)));

    assertThat(report.violations()).isEmpty();
    assertThat(report.sums().readBalance()).isEqualTo(80);
  }

  /** The one wallet that no longer holds, after checking it is the corrupted account's and the bystander holds. */
  private InvariantReport onlyBrokenWallet() {
    List<InvariantReport> broken = ours(audit.checkAll(clock.instant())).stream().filter(r -> !r.holds()).toList();
    assertThat(broken).extracting(InvariantReport::accountId, InvariantReport::asset)
        .containsExactly(tuple(account, Asset.TOKEN));
    assertThat(audit.check(bystander, Asset.TOKEN, clock.instant()).holds()).isTrue();
    assertThat(audit.check(account, Asset.TOKEN, clock.instant())).isEqualTo(broken.get(0));
    return broken.get(0);
  }

  /** The reports of this test's accounts: the database is shared by the class, and earlier tests broke theirs. */
  private List<InvariantReport> ours(List<InvariantReport> reports) {
    return reports.stream().filter(r -> r.accountId().equals(account) || r.accountId().equals(bystander)).toList();
  }

  private long entryId(String kind, String grantId) {
    return store.entries(account, Asset.TOKEN, null, Long.MAX_VALUE, 100).stream()
        .filter(r -> r.entry().kind().name().equals(kind) && r.entry().grantId().equals(grantId))
        .mapToLong(RecordedEntry::entryId)
        .findFirst()
        .orElseThrow();
  }

  private static void corrupt(String sql) {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      assertThat(statement.executeUpdate(sql)).isEqualTo(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Updates one ledger row past the append-only trigger, which only a table owner can switch off. */
  private static void corruptLedger(String sql) {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only");
      try {
        assertThat(statement.executeUpdate(sql)).isEqualTo(1);
      } finally {
        statement.execute("ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_append_only");
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private String grant(AccountId to, GrantSource source, long amount, Instant expiresAt, String requestId) {
    return wallets
        .grant(new GrantCommand(to, Asset.TOKEN, amount, source, null, expiresAt, null, "test", RequestId.of(requestId)))
        .grantId();
  }

  private void debit(AccountId from, long amount, String requestId) {
    wallets.checkAndDebit(
        new DebitCommand(from, new Pricing.ByAmount(Asset.TOKEN, amount), RequestId.of(requestId), Map.of()));
  }
}
