package dev.obol.domain.testing;

import static dev.obol.domain.testing.GrantBuilder.aGrant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.AccountStatus;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.EntryContext;
import dev.obol.domain.model.EntryKind;
import dev.obol.domain.model.Grant;
import dev.obol.domain.model.Operation;
import dev.obol.domain.model.RecordedEntry;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.Wallet;
import dev.obol.domain.port.in.GrantReceipt;
import dev.obol.domain.port.out.AccountSession;
import dev.obol.domain.port.out.AccountStore.LockMode;
import dev.obol.domain.port.out.DebitRecord;
import dev.obol.domain.port.out.LedgerAudit.Check;
import dev.obol.domain.port.out.LedgerAudit.InvariantReport;
import dev.obol.domain.port.out.LedgerAudit.Violation;
import dev.obol.domain.port.out.LedgerAudit.WalletSums;
import dev.obol.domain.testing.InMemoryAccountStore.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class InMemoryAccountStoreTest {

  static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  static final AccountId ALICE = AccountId.of("alice");
  static final AccountId BOB = AccountId.of("bob");

  final MutableClock clock = MutableClock.at(NOW);
  final InMemoryAccountStore store = new InMemoryAccountStore(clock);
  final InMemoryLedgerAudit audit = new InMemoryLedgerAudit(store);

  /** Credits {@code grant} to its account (created if missing) in one transaction. */
  void credit(Grant grant) {
    store.inTransaction(
        grant.accountId(),
        LockMode.CREATE_IF_MISSING,
        session -> {
          Wallet wallet = session.loadWallet(grant.asset(), Set.of());
          wallet.credit(grant, new EntryContext(null, null, "req-" + grant.grantId(), grant.grantId(), NOW));
          session.save(wallet);
          return null;
        });
  }

  void debit(AccountId account, long amount, String debitId) {
    store.inTransaction(
        account,
        LockMode.EXISTING,
        session -> {
          Wallet wallet = session.loadWallet(Asset.TOKEN, Set.of());
          wallet.debit(amount, EntryKind.DEBIT, new EntryContext("image", null, "req-" + debitId, debitId, NOW));
          session.save(wallet);
          return null;
        });
  }

  @Test
  void commits_the_work_when_it_returns() {
    credit(aGrant("g1").account(ALICE).amount(100).build());

    assertThat(store.findAccount(ALICE))
        .hasValueSatisfying(a -> assertThat(a.status()).isEqualTo(AccountStatus.ACTIVE));
    assertThat(store.openGrants(ALICE, Asset.TOKEN)).extracting(Grant::grantId).containsExactly("g1");
    assertThat(store.entries(ALICE)).extracting(r -> r.entry().amount()).containsExactly(100L);
  }

  @Test
  void rolls_back_everything_when_the_work_throws() {
    credit(aGrant("g1").account(ALICE).amount(100).build());
    Snapshot before = store.snapshot();
    IllegalStateException failure = new IllegalStateException("boom");

    assertThatThrownBy(
            () ->
                store.inTransaction(
                    BOB,
                    LockMode.CREATE_IF_MISSING,
                    session -> {
                      Wallet wallet = session.loadWallet(Asset.TOKEN, Set.of());
                      wallet.credit(aGrant("g2").account(BOB).build(), EntryContext.of("r", "g2", NOW));
                      session.save(wallet);
                      session.saveDebit(
                          new DebitRecord("d1", BOB, Asset.TOKEN, null, 5, Map.of(), RequestId.of("r"), NOW));
                      session.saveRequest(RequestId.of("r"), Operation.GRANT, "fp", new GrantReceipt("g2", 100), NOW);
                      throw failure;
                    }))
        .isSameAs(failure);

    assertThat(store.snapshot()).isEqualTo(before);
    assertThat(store.findAccount(BOB)).isEmpty();
  }

  @Test
  void readers_see_committed_data_only() {
    credit(aGrant("g1").account(ALICE).amount(100).build());

    long seenInside =
        store.inTransaction(
            ALICE,
            LockMode.EXISTING,
            session -> {
              Wallet wallet = session.loadWallet(Asset.TOKEN, Set.of());
              wallet.debit(40, EntryKind.DEBIT, EntryContext.of("r", "d1", NOW));
              session.save(wallet);
              assertThat(session.loadWallet(Asset.TOKEN, Set.of()).balance()).isEqualTo(60);
              return store.openGrants(ALICE, Asset.TOKEN).get(0).remaining();
            });

    assertThat(seenInside).isEqualTo(100);
    assertThat(store.openGrants(ALICE, Asset.TOKEN).get(0).remaining()).isEqualTo(60);
  }

  @Test
  void an_existing_lock_on_a_missing_account_sees_no_account_and_cannot_write() {
    store.inTransaction(
        BOB,
        LockMode.EXISTING,
        session -> {
          assertThat(session.account()).isEmpty();
          Wallet wallet = session.loadWallet(Asset.TOKEN, Set.of());
          wallet.credit(aGrant("g1").account(BOB).build(), EntryContext.of("r", "g1", NOW));
          assertThatThrownBy(() -> session.save(wallet)).isInstanceOf(IllegalStateException.class);
          return null;
        });

    assertThat(store.findAccount(BOB)).isEmpty();
    assertThat(store.snapshot().grants()).isEmpty();
  }

  @Test
  void refuses_what_the_database_would_refuse() {
    credit(aGrant("g1").account(ALICE).build());

    assertThatThrownBy(() -> credit(aGrant("g1").account(ALICE).build())).isInstanceOf(IllegalStateException.class);
    store.inTransaction(
        ALICE,
        LockMode.EXISTING,
        session -> {
          session.saveRequest(RequestId.of("r"), Operation.GRANT, "fp", new GrantReceipt("g1", 1), NOW);
          assertThatThrownBy(
                  () -> session.saveRequest(RequestId.of("r"), Operation.GRANT, "fp", new GrantReceipt("g1", 1), NOW))
              .isInstanceOf(IllegalStateException.class);
          assertThatThrownBy(
                  () -> session.saveRequest(RequestId.of("s"), Operation.REVERSE_DEBIT, "fp", new GrantReceipt("g", 1),
                      NOW))
              .isInstanceOf(IllegalStateException.class);
          DebitRecord debit = new DebitRecord("d1", ALICE, Asset.TOKEN, null, 5, Map.of(), RequestId.of("r"), NOW);
          session.saveDebit(debit);
          assertThatThrownBy(() -> session.saveDebit(debit)).isInstanceOf(IllegalStateException.class);
          assertThatThrownBy(() -> session.saveDebit(
                  new DebitRecord("d2", BOB, Asset.TOKEN, null, 5, Map.of(), RequestId.of("r"), NOW)))
              .isInstanceOf(IllegalStateException.class);
          return null;
        });
  }

  @Test
  void a_transaction_inside_a_transaction_is_refused() {
    assertThatThrownBy(
            () ->
                store.inTransaction(
                    ALICE,
                    LockMode.CREATE_IF_MISSING,
                    outer -> store.inTransaction(BOB, LockMode.CREATE_IF_MISSING, inner -> null)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(store.findAccount(ALICE)).isEmpty();

    // The store is usable again afterwards.
    credit(aGrant("g1").account(ALICE).build());
    assertThat(store.findAccount(ALICE)).isPresent();
  }

  @Test
  void a_session_cannot_be_used_after_its_transaction() {
    AtomicReference<AccountSession> leaked = new AtomicReference<>();
    store.inTransaction(ALICE, LockMode.CREATE_IF_MISSING, session -> {
      leaked.set(session);
      return null;
    });

    assertThatThrownBy(() -> leaked.get().account()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> leaked.get().loadWallet(Asset.TOKEN, Set.of())).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void transactions_run_one_at_a_time() throws Exception {
    CountDownLatch firstInside = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    CountDownLatch secondInside = new CountDownLatch(1);

    CompletableFuture<Void> first =
        CompletableFuture.runAsync(
            () ->
                store.inTransaction(
                    ALICE,
                    LockMode.CREATE_IF_MISSING,
                    session -> {
                      firstInside.countDown();
                      await(releaseFirst);
                      return null;
                    }));
    assertThat(firstInside.await(5, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> second =
        CompletableFuture.runAsync(
            () ->
                store.inTransaction(
                    BOB,
                    LockMode.CREATE_IF_MISSING,
                    session -> {
                      secondInside.countDown();
                      return null;
                    }));

    assertThat(secondInside.await(200, TimeUnit.MILLISECONDS)).as("second ran while first was open").isFalse();
    releaseFirst.countDown();
    assertThat(secondInside.await(5, TimeUnit.SECONDS)).isTrue();
    first.get(5, TimeUnit.SECONDS);
    second.get(5, TimeUnit.SECONDS);
  }

  @Test
  void entries_get_increasing_ids_and_list_newest_first_with_filters() {
    credit(aGrant("a1").account(ALICE).amount(100).build());
    credit(aGrant("b1").account(BOB).amount(100).build());
    credit(aGrant("a2").account(ALICE).asset(Asset.EUR).amount(100).build());
    debit(ALICE, 10, "d1");

    assertThat(store.entries()).extracting(RecordedEntry::entryId).containsExactly(1L, 2L, 3L, 4L);
    assertThat(store.entries(ALICE, null, null, Long.MAX_VALUE, 10))
        .extracting(RecordedEntry::entryId)
        .containsExactly(4L, 3L, 1L);
    assertThat(store.entries(ALICE, null, null, 4, 10)).extracting(RecordedEntry::entryId).containsExactly(3L, 1L);
    assertThat(store.entries(ALICE, null, null, Long.MAX_VALUE, 1)).extracting(RecordedEntry::entryId)
        .containsExactly(4L);
    assertThat(store.entries(ALICE, Asset.TOKEN, null, Long.MAX_VALUE, 10)).extracting(RecordedEntry::entryId)
        .containsExactly(4L, 1L);
    assertThat(store.entries(ALICE, null, "image", Long.MAX_VALUE, 10)).extracting(RecordedEntry::entryId)
        .containsExactly(4L);
  }

  @Test
  void open_grants_and_load_wallet_skip_spent_grants_unless_named() {
    credit(aGrant("a1").account(ALICE).amount(10).build());
    credit(aGrant("a2").account(ALICE).amount(10).build());
    debit(ALICE, 10, "d1");

    assertThat(store.openGrants(ALICE, Asset.TOKEN)).extracting(Grant::grantId).containsExactly("a2");
    store.inTransaction(
        ALICE,
        LockMode.EXISTING,
        session -> {
          Wallet open = session.loadWallet(Asset.TOKEN, Set.of());
          assertThat(open.grant("a2").remaining()).isEqualTo(10);
          assertThatThrownBy(() -> open.grant("a1")).isInstanceOf(IllegalStateException.class);
          assertThat(session.loadWallet(Asset.TOKEN, Set.of("a1")).grant("a1").remaining()).isZero();
          return null;
        });
  }

  @Test
  void reversible_by_grant_nets_a_debits_entries_and_its_reversals() {
    credit(aGrant("a1").account(ALICE).priority(1).amount(30).build());
    credit(aGrant("a2").account(ALICE).priority(2).amount(100).build());
    debit(ALICE, 50, "d1");
    debit(ALICE, 5, "d2");
    store.inTransaction(
        ALICE,
        LockMode.EXISTING,
        session -> {
          Wallet wallet = session.loadWallet(Asset.TOKEN, Set.of("a1"));
          wallet.restore("a1", 30, EntryKind.REVERSAL, EntryContext.of("r", "d1", NOW));
          wallet.expireDue(NOW, EntryContext.of("r", "d1", NOW));
          session.save(wallet);
          return null;
        });

    store.inTransaction(
        ALICE,
        LockMode.EXISTING,
        session -> {
          assertThat(session.reversibleByGrant("d1")).containsExactly(Map.entry("a2", 20L));
          assertThat(session.reversibleByGrant("d2")).containsExactly(Map.entry("a2", 5L));
          assertThat(session.reversibleByGrant("unknown")).isEmpty();
          return null;
        });
  }

  @Test
  void the_audit_reports_every_wallet_and_holds_for_consistent_writes() {
    credit(aGrant("a1").account(ALICE).amount(100).expiresAt(NOW.plusSeconds(60)).build());
    credit(aGrant("a2").account(ALICE).amount(50).build());
    credit(aGrant("b1").account(BOB).asset(Asset.EUR).amount(500).build());
    debit(ALICE, 120, "d1");
    clock.advance(Duration.ofMinutes(5));

    List<InvariantReport> reports = audit.checkAll(clock.instant());

    assertThat(reports)
        .extracting(InvariantReport::accountId, InvariantReport::asset)
        .containsExactly(tuple(ALICE, Asset.TOKEN), tuple(BOB, Asset.EUR));
    assertThat(reports.get(0).sums()).isEqualTo(new WalletSums(4, 30, 30, 30, 30, 30));
    assertThat(reports.get(0).expiredUnswept()).isZero();
    assertThat(reports).allSatisfy(r -> assertThat(r.holds()).isTrue());
    assertThat(audit.check(BOB, Asset.TOKEN, NOW)).isEqualTo(InvariantReport.empty(BOB, Asset.TOKEN));
    assertThat(audit.check(BOB, Asset.TOKEN, NOW).sums()).isEqualTo(new WalletSums(0, 0, 0, 0, 0, 0));
  }

  @Test
  void the_audit_counts_expired_but_unswept_remainders() {
    credit(aGrant("a1").account(ALICE).amount(100).expiresAt(NOW.plusSeconds(60)).build());
    credit(aGrant("a2").account(ALICE).amount(50).build());
    clock.advance(Duration.ofMinutes(5));

    InvariantReport report = audit.check(ALICE, Asset.TOKEN, clock.instant());

    assertThat(report.sums().liveRemainingSum()).isEqualTo(50);
    assertThat(report.sums().readBalance()).isEqualTo(50);
    assertThat(report.expiredUnswept()).isEqualTo(100);
    assertThat(report.holds()).isTrue();
    assertThat(store.accountsWithDueExpiries(clock.instant(), 10)).containsExactly(ALICE);
    assertThat(store.accountsWithDueExpiries(NOW, 10)).isEmpty();
  }

  @Test
  void the_audit_catches_a_lost_update() {
    credit(aGrant("a1").account(ALICE).amount(100).build());

    // Two wallets loaded from the same state, both saved: the second overwrites the first one's remaining amount.
    store.inTransaction(
        ALICE,
        LockMode.EXISTING,
        session -> {
          Wallet one = session.loadWallet(Asset.TOKEN, Set.of());
          Wallet two = session.loadWallet(Asset.TOKEN, Set.of());
          one.debit(10, EntryKind.DEBIT, EntryContext.of("r1", "d1", NOW));
          two.debit(20, EntryKind.DEBIT, EntryContext.of("r2", "d2", NOW));
          session.save(one);
          session.save(two);
          return null;
        });

    InvariantReport report = audit.check(ALICE, Asset.TOKEN, NOW);
    assertThat(report.sums().entriesSum()).isEqualTo(70);
    assertThat(report.sums().remainingSum()).isEqualTo(80);
    assertThat(report.sums().lastBalanceAfter()).isEqualTo(80);
    assertThat(report.violationsOf(Check.GRANT_ENTRIES_MATCH_REMAINING))
        .containsExactly(new Violation(Check.GRANT_ENTRIES_MATCH_REMAINING, "a1", 80, 70));
    assertThat(report.violationsOf(Check.WALLET_ENTRIES_MATCH_GRANTS))
        .containsExactly(new Violation(Check.WALLET_ENTRIES_MATCH_GRANTS, Violation.WALLET, 80, 70));
    assertThat(report.violationsOf(Check.BALANCE_AFTER_MATCHES_ENTRIES)).extracting(Violation::actual)
        .containsExactly(80L);
    assertThat(report.holds()).isFalse();
  }

  @Test
  void set_status_changes_an_existing_account_only() {
    credit(aGrant("a1").account(ALICE).build());

    store.setStatus(ALICE, AccountStatus.SUSPENDED);

    assertThat(store.findAccount(ALICE)).hasValueSatisfying(a -> {
      assertThat(a.status()).isEqualTo(AccountStatus.SUSPENDED);
      assertThat(a.createdAt()).isEqualTo(NOW);
    });
    assertThatThrownBy(() -> store.setStatus(BOB, AccountStatus.SUSPENDED)).isInstanceOf(IllegalStateException.class);
    assertThat(store.findAccount(BOB)).isEmpty();
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(5, TimeUnit.SECONDS)) {
        throw new IllegalStateException("timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
