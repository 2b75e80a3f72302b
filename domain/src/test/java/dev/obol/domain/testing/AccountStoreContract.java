package dev.obol.domain.testing;

import static dev.obol.domain.testing.GrantBuilder.aGrant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.obol.domain.error.FailedPreconditionException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.AccountStatus;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.DenialReason;
import dev.obol.domain.model.EntryContext;
import dev.obol.domain.model.EntryKind;
import dev.obol.domain.model.FeatureCatalog;
import dev.obol.domain.model.Grant;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.LowBalancePolicy;
import dev.obol.domain.model.Pricing;
import dev.obol.domain.model.RecordedEntry;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.Wallet;
import dev.obol.domain.usecase.DebitCommand;
import dev.obol.domain.usecase.DebitOutcome;
import dev.obol.domain.usecase.GrantCommand;
import dev.obol.domain.usecase.LedgerQuery;
import dev.obol.domain.usecase.ReverseDebitCommand;
import dev.obol.domain.port.AccountStore;
import dev.obol.domain.port.AccountStore.LockMode;
import dev.obol.domain.port.DebitRecord;
import dev.obol.domain.port.LedgerAudit;
import dev.obol.domain.port.LedgerAudit.Check;
import dev.obol.domain.port.LedgerAudit.InvariantReport;
import dev.obol.domain.port.LedgerAudit.Violation;
import dev.obol.domain.port.LedgerAudit.WalletSums;
import dev.obol.domain.port.LedgerReader;
import dev.obol.domain.service.WalletService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What every {@link AccountStore} (with its {@link LedgerReader} and {@link LedgerAudit}) must do, run against the
 * in-memory store and PostgreSQL alike, so the fake the domain tests use cannot drift from the real thing. Each test
 * works on accounts of its own, so a store may be shared by the tests of a class.
 *
 * <p>What only one store does (the in-memory one refusing a write at once where PostgreSQL refuses it at commit, the
 * database's append-only trigger) stays in that store's test class.
 */
public abstract class AccountStoreContract {

  /**
   * The store under test, the read path and audit over the same data, and the clock of the use cases and the audit
   * (tests move it forward only).
   */
  public record Subject(AccountStore store, LedgerReader reader, LedgerAudit audit, MutableClock clock) {}

  protected abstract Subject subject();

  protected final AccountStore store() {
    return subject().store();
  }

  protected final LedgerReader reader() {
    return subject().reader();
  }

  protected final LedgerAudit audit() {
    return subject().audit();
  }

  protected final MutableClock clock() {
    return subject().clock();
  }

  protected final AccountId alice = AccountId.of("alice-" + UUID.randomUUID());
  protected final AccountId bob = AccountId.of("bob-" + UUID.randomUUID());

  @RegisterExtension
  protected final LedgerInvariantExtension ledgerInvariant =
      LedgerInvariantExtension.over(() -> audit(), () -> clock().instant());

  private WalletService wallets;
  private Instant now;

  @BeforeEach
  void wireTheService() {
    wallets =
        new WalletService(
            store(), reader(), FeatureCatalog.defaults(), LowBalancePolicy.defaults(), new SequentialIds(), clock());
    now = clock().instant();
  }

  // ---- transactions ----------------------------------------------------------------------------------------------

  @Test
  void commits_the_work_when_it_returns() {
    credit(aGrant("g1").account(alice).amount(100).build());

    assertThat(reader().findAccount(alice))
        .hasValueSatisfying(a -> assertThat(a.status()).isEqualTo(AccountStatus.ACTIVE));
    assertThat(reader().openGrants(alice, Asset.TOKEN)).extracting(Grant::grantId).containsExactly("g1");
    assertThat(entriesOf(alice)).extracting(r -> r.entry().amount()).containsExactly(100L);
  }

  @Test
  void rolls_back_everything_when_the_work_throws() {
    credit(aGrant("g1").account(alice).amount(100).build());
    List<RecordedEntry> aliceBefore = entriesOf(alice);
    IllegalStateException failure = new IllegalStateException("boom");

    assertThatThrownBy(
            () ->
                store().inTransaction(
                    bob,
                    LockMode.CREATE_IF_MISSING,
                    session -> {
                      Wallet wallet = session.loadWallet(Asset.TOKEN, Set.of());
                      wallet.credit(aGrant("g2").account(bob).build(), EntryContext.of("r", "g2", now));
                      session.save(wallet);
                      session.saveDebit(
                          new DebitRecord("d1", bob, Asset.TOKEN, null, 5, Map.of(), RequestId.of("r"), now));
                      throw failure;
                    }))
        .isSameAs(failure);

    assertThat(reader().findAccount(bob)).isEmpty();
    assertThat(reader().openGrants(bob, Asset.TOKEN)).isEmpty();
    assertThat(entriesOf(bob)).isEmpty();
    assertThat(entriesOf(alice)).isEqualTo(aliceBefore);
  }

  @Test
  void a_failed_unit_of_work_on_a_new_account_leaves_no_account() {
    assertThatThrownBy(
            () ->
                store().inTransaction(
                    alice,
                    LockMode.CREATE_IF_MISSING,
                    session -> {
                      throw new IllegalStateException("crash mid-request");
                    }))
        .hasMessage("crash mid-request");
    assertThat(reader().findAccount(alice)).isEmpty();
  }

  @Test
  void readers_see_committed_data_only() {
    credit(aGrant("g1").account(alice).amount(100).build());

    long seenInside =
        store().inTransaction(
            alice,
            LockMode.EXISTING,
            session -> {
              Wallet wallet = session.loadWallet(Asset.TOKEN, Set.of());
              wallet.debit(40, EntryKind.DEBIT, EntryContext.of("r", "d1", now));
              session.save(wallet);
              assertThat(session.loadWallet(Asset.TOKEN, Set.of()).balance()).isEqualTo(60);
              return reader().openGrants(alice, Asset.TOKEN).get(0).remaining();
            });

    assertThat(seenInside).isEqualTo(100);
    assertThat(reader().openGrants(alice, Asset.TOKEN).get(0).remaining()).isEqualTo(60);
  }

  @Test
  void an_existing_lock_on_a_missing_account_sees_no_account_and_cannot_write() {
    // Where the write is refused (at save or at commit) differs; that it is, and leaves nothing, does not.
    assertThatThrownBy(
            () ->
                store().inTransaction(
                    bob,
                    LockMode.EXISTING,
                    session -> {
                      assertThat(session.account()).isEmpty();
                      Wallet wallet = session.loadWallet(Asset.TOKEN, Set.of());
                      wallet.credit(aGrant("g1").account(bob).build(), EntryContext.of("r", "g1", now));
                      session.save(wallet);
                      return null;
                    }))
        .isInstanceOf(RuntimeException.class);

    assertThat(reader().findAccount(bob)).isEmpty();
    assertThat(reader().openGrants(bob, Asset.TOKEN)).isEmpty();
  }

  @Test
  void a_unit_of_work_sees_its_own_writes_and_reads_ahead_only_what_is_still_current() {
    grant(alice, GrantSource.PURCHASE, 100, null, "g1");

    long reloaded =
        store().inTransaction(
            alice,
            LockMode.EXISTING,
            new AccountStore.Prefetch(RequestId.of("g1"), Asset.TOKEN),
            session -> {
              // Read ahead with the lock: the first answer to g1 and the wallet as committed.
              assertThat(session.findRequest(RequestId.of("g1"))).isPresent();
              Wallet wallet = session.loadWallet(Asset.TOKEN, Set.of());
              wallet.debit(30, EntryKind.DEBIT, EntryContext.of("w1", "op-1", now));
              session.save(wallet);
              // Loaded again after a save: not the stale read-ahead.
              return session.loadWallet(Asset.TOKEN, Set.of()).balance();
            });

    assertThat(reloaded).isEqualTo(70);
    assertThat(wallets.balances(alice, Asset.TOKEN).get(0).balance()).isEqualTo(70);
  }

  // ---- reads -----------------------------------------------------------------------------------------------------

  @Test
  void entries_get_increasing_ids_and_list_newest_first_with_filters() {
    credit(aGrant("a1").account(alice).amount(100).build());
    credit(aGrant("b1").account(bob).amount(100).build());
    credit(aGrant("a2").account(alice).asset(Asset.EUR).amount(100).build());
    debit(alice, 10, "d1");

    List<Long> ids = entriesOf(alice).stream().map(RecordedEntry::entryId).toList();
    long bobsEntry = entriesOf(bob).get(0).entryId();
    assertThat(ids).hasSize(3).isSortedAccordingTo((a, b) -> Long.compare(b, a));
    long debitEntry = ids.get(0);
    long eurEntry = ids.get(1);
    long firstEntry = ids.get(2);
    assertThat(bobsEntry).isBetween(firstEntry, eurEntry);
    assertThat(reader().entries(alice, null, null, debitEntry, 10))
        .extracting(RecordedEntry::entryId)
        .containsExactly(eurEntry, firstEntry);
    assertThat(reader().entries(alice, null, null, Long.MAX_VALUE, 1))
        .extracting(RecordedEntry::entryId)
        .containsExactly(debitEntry);
    assertThat(reader().entries(alice, Asset.TOKEN, null, Long.MAX_VALUE, 10))
        .extracting(RecordedEntry::entryId)
        .containsExactly(debitEntry, firstEntry);
    assertThat(reader().entries(alice, null, "image", Long.MAX_VALUE, 10))
        .extracting(RecordedEntry::entryId)
        .containsExactly(debitEntry);
  }

  @Test
  void open_grants_and_load_wallet_skip_spent_grants_unless_named() {
    credit(aGrant("a1").account(alice).amount(10).build());
    credit(aGrant("a2").account(alice).amount(10).build());
    debit(alice, 10, "d1");

    assertThat(reader().openGrants(alice, Asset.TOKEN)).extracting(Grant::grantId).containsExactly("a2");
    store().inTransaction(
        alice,
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
  void the_account_and_its_open_grants_are_read_together_as_check_reads_them() {
    credit(aGrant("a1").account(alice).amount(10).build());
    credit(aGrant("a2").account(alice).amount(10).build());
    credit(aGrant("e1").account(alice).asset(Asset.EUR).amount(2500).build());
    debit(alice, 10, "d1");

    assertThat(reader().accountWallet(alice, Asset.TOKEN))
        .hasValueSatisfying(
            read -> {
              assertThat(read.account().id()).isEqualTo(alice);
              assertThat(read.openGrants()).extracting(Grant::grantId).containsExactly("a2");
            });
    assertThat(reader().accountWallet(alice, Asset.EUR).orElseThrow().openGrants())
        .extracting(Grant::grantId)
        .containsExactly("e1");
    assertThat(reader().accountWallet(bob, Asset.TOKEN)).isEmpty();
  }

  @Test
  void reversible_by_grant_nets_a_debits_entries_and_its_reversals() {
    credit(aGrant("a1").account(alice).priority(1).amount(30).build());
    credit(aGrant("a2").account(alice).priority(2).amount(100).build());
    debit(alice, 50, "d1");
    debit(alice, 5, "d2");
    store().inTransaction(
        alice,
        LockMode.EXISTING,
        session -> {
          Wallet wallet = session.loadWallet(Asset.TOKEN, Set.of("a1"));
          wallet.restore("a1", 30, EntryKind.REVERSAL, EntryContext.of("r", "d1", now));
          wallet.expireDue(now, EntryContext.of("r", "d1", now));
          session.save(wallet);
          return null;
        });

    store().inTransaction(
        alice,
        LockMode.EXISTING,
        session -> {
          assertThat(session.reversibleByGrant("d1")).containsExactly(Map.entry("a2", 20L));
          assertThat(session.reversibleByGrant("d2")).containsExactly(Map.entry("a2", 5L));
          assertThat(session.reversibleByGrant("unknown")).isEmpty();
          return null;
        });
  }

  // ---- the audit -------------------------------------------------------------------------------------------------

  @Test
  void the_audit_reports_every_wallet_and_holds_for_consistent_writes() {
    credit(aGrant("a1").account(alice).amount(100).expiresAt(now.plusSeconds(60)).build());
    credit(aGrant("a2").account(alice).amount(50).build());
    credit(aGrant("b1").account(bob).asset(Asset.EUR).amount(500).build());
    debit(alice, 120, "d1");
    clock().advance(Duration.ofMinutes(5));

    List<InvariantReport> reports = ours(audit().checkAll(clock().instant()));

    assertThat(reports)
        .extracting(InvariantReport::accountId, InvariantReport::asset)
        .containsExactly(tuple(alice, Asset.TOKEN), tuple(bob, Asset.EUR));
    assertThat(reports.get(0).sums()).isEqualTo(new WalletSums(4, 30, 30, 30, 30, 30));
    assertThat(reports.get(0).expiredUnswept()).isZero();
    assertThat(reports).allSatisfy(r -> assertThat(r.holds()).isTrue());
    assertThat(audit().check(bob, Asset.TOKEN, now)).isEqualTo(InvariantReport.empty(bob, Asset.TOKEN));
    assertThat(audit().check(bob, Asset.TOKEN, now).sums()).isEqualTo(new WalletSums(0, 0, 0, 0, 0, 0));
  }

  @Test
  void the_audit_counts_expired_but_unswept_remainders() {
    credit(aGrant("a1").account(alice).amount(100).expiresAt(now.plusSeconds(60)).build());
    credit(aGrant("a2").account(alice).amount(50).build());
    Instant later = now.plus(Duration.ofMinutes(5));

    InvariantReport report = audit().check(alice, Asset.TOKEN, later);

    assertThat(report.sums().liveRemainingSum()).isEqualTo(50);
    assertThat(report.sums().readBalance()).isEqualTo(50);
    assertThat(report.expiredUnswept()).isEqualTo(100);
    assertThat(report.holds()).isTrue();
    assertThat(reader().accountsWithDueExpiries(later, 1000)).contains(alice);
    assertThat(reader().accountsWithDueExpiries(now, 1000)).doesNotContain(alice);
  }

  @Test
  void the_audit_catches_a_lost_update() {
    credit(aGrant("a1").account(alice).amount(100).build());

    // Two wallets loaded from the same state, both saved: the second overwrites the first one's remaining amount.
    store().inTransaction(
        alice,
        LockMode.EXISTING,
        session -> {
          Wallet one = session.loadWallet(Asset.TOKEN, Set.of());
          Wallet two = session.loadWallet(Asset.TOKEN, Set.of());
          one.debit(10, EntryKind.DEBIT, EntryContext.of("r1", "d1", now));
          two.debit(20, EntryKind.DEBIT, EntryContext.of("r2", "d2", now));
          session.save(one);
          session.save(two);
          return null;
        });

    InvariantReport report = audit().check(alice, Asset.TOKEN, now);
    assertThat(report.sums().entriesSum()).isEqualTo(70);
    assertThat(report.sums().remainingSum()).isEqualTo(80);
    assertThat(report.sums().lastBalanceAfter()).isEqualTo(80);
    assertThat(report.violationsOf(Check.GRANT_ENTRIES_MATCH_REMAINING))
        .containsExactly(new Violation(Check.GRANT_ENTRIES_MATCH_REMAINING, "a1", 80, 70));
    assertThat(report.violationsOf(Check.WALLET_ENTRIES_MATCH_GRANTS))
        .containsExactly(new Violation(Check.WALLET_ENTRIES_MATCH_GRANTS, Violation.WALLET, 80, 70));
    assertThat(report.violationsOf(Check.BALANCE_AFTER_MATCHES_ENTRIES))
        .extracting(Violation::actual)
        .containsExactly(80L);
    assertThat(report.holds()).isFalse();
    ledgerInvariant.ignore(alice);
  }

  // ---- through the wallet service, as it runs -------------------------------------------------------------------

  @Test
  void debits_burn_quota_before_purchased_tokens_and_write_one_entry_per_grant() {
    grant(alice, GrantSource.PURCHASE, 100, null, "g1");
    grant(alice, GrantSource.SUBSCRIPTION_QUOTA, 30, clock().instant().plus(Duration.ofDays(30)), "g2");

    DebitOutcome outcome = debitFeature("image", "d1");

    assertThat(outcome).isInstanceOf(DebitOutcome.Debited.class);
    assertThat(outcome.balance()).isEqualTo(80);
    List<RecordedEntry> entries = wallets.ledger(new LedgerQuery(alice, null, "image", 0, null)).entries();
    assertThat(entries).extracting(e -> e.entry().amount()).containsExactly(-20L, -30L);
    assertThat(entries).extracting(e -> e.entry().balanceAfter()).containsExactly(80L, 100L);
  }

  @Test
  void a_retried_debit_returns_the_first_answer_and_writes_nothing_more() {
    grant(alice, GrantSource.PURCHASE, 200, null, "g1");

    DebitOutcome first = debitFeature("image", "same-id");
    DebitOutcome again = debitFeature("image", "same-id");

    assertThat(again).isEqualTo(first);
    assertThat(wallets.balances(alice, Asset.TOKEN).get(0).balance()).isEqualTo(150);
    assertThatThrownBy(() -> debitFeature("audio", "same-id"))
        .isInstanceOf(FailedPreconditionException.class)
        .hasFieldOrPropertyWithValue("reason", "REQUEST_ID_CONFLICT");
  }

  @Test
  void concurrent_debits_never_overdraw() throws Exception {
    grant(alice, GrantSource.PURCHASE, 100, null, "g1");
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Callable<DebitOutcome>> calls = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String requestId = "c-" + i;
        calls.add(
            () ->
                wallets.checkAndDebit(
                    new DebitCommand(alice, new Pricing.ByAmount(Asset.TOKEN, 1), RequestId.of(requestId), Map.of())));
      }
      long allowed = 0;
      for (Future<DebitOutcome> result : pool.invokeAll(calls)) {
        if (result.get() instanceof DebitOutcome.Debited) {
          allowed++;
        }
      }
      assertThat(allowed).isEqualTo(100);
      assertThat(wallets.balances(alice, Asset.TOKEN).get(0).balance()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void an_expired_grant_is_not_spent_and_is_swept_on_the_next_write() {
    grant(alice, GrantSource.PROMO, 500, clock().instant().plus(Duration.ofMinutes(5)), "g1");
    grant(alice, GrantSource.PURCHASE, 40, null, "g2");
    clock().advance(Duration.ofMinutes(10));

    DebitOutcome denied = debitFeature("image", "d1");
    assertThat(denied).isInstanceOf(DebitOutcome.Denied.class);
    assertThat(((DebitOutcome.Denied) denied).reason()).isEqualTo(DenialReason.INSUFFICIENT_BALANCE);
    assertThat(denied.balance()).isEqualTo(40);
    assertThat(audit().check(alice, Asset.TOKEN, clock().instant()).expiredUnswept()).isEqualTo(500);

    debitFeature("video", "d2");
    InvariantReport report = audit().check(alice, Asset.TOKEN, clock().instant());
    assertThat(report.expiredUnswept()).isZero();
    assertThat(report.sums().liveRemainingSum()).isEqualTo(30);
    assertThat(wallets.ledger(new LedgerQuery(alice, Asset.TOKEN, null, 0, null)).entries())
        .extracting(e -> e.entry().kind())
        .containsExactly(EntryKind.DEBIT, EntryKind.EXPIRY, EntryKind.GRANT, EntryKind.GRANT);
  }

  @Test
  void a_reversal_gives_back_to_the_grants_the_debit_came_from() {
    grant(alice, GrantSource.SUBSCRIPTION_QUOTA, 20, clock().instant().plus(Duration.ofDays(30)), "g1");
    grant(alice, GrantSource.PURCHASE, 100, null, "g2");
    DebitOutcome.Debited debited = (DebitOutcome.Debited) debitFeature("image", "d1");

    var partial =
        wallets.reverseDebit(new ReverseDebitCommand(alice, debited.debitId(), 10, "retry", RequestId.of("r1")));
    var rest = wallets.reverseDebit(new ReverseDebitCommand(alice, debited.debitId(), 0, null, RequestId.of("r2")));

    assertThat(partial.reversed()).isEqualTo(10);
    assertThat(rest.reversed()).isEqualTo(40);
    assertThat(rest.balance()).isEqualTo(120);
    assertThat(wallets.balances(alice, Asset.TOKEN).get(0).grants())
        .extracting(g -> g.remaining())
        .containsExactly(20L, 100L);
  }

  @Test
  void an_overflowing_grant_is_rejected_without_a_partial_write() {
    grant(alice, GrantSource.PURCHASE, Long.MAX_VALUE - 5, null, "g1");
    assertThatThrownBy(() -> grant(alice, GrantSource.PURCHASE, 10, null, "g2"))
        .hasFieldOrPropertyWithValue("reason", "AMOUNT_OVERFLOW");
    assertThat(wallets.balances(alice, Asset.TOKEN).get(0).grants()).hasSize(1);
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  /** Credits {@code grant} to its account (created if missing) in one transaction. */
  protected void credit(Grant grant) {
    store().inTransaction(
        grant.accountId(),
        LockMode.CREATE_IF_MISSING,
        session -> {
          Wallet wallet = session.loadWallet(grant.asset(), Set.of());
          wallet.credit(grant, new EntryContext(null, null, "req-" + grant.grantId(), grant.grantId(), now));
          session.save(wallet);
          return null;
        });
  }

  protected void debit(AccountId account, long amount, String debitId) {
    store().inTransaction(
        account,
        LockMode.EXISTING,
        session -> {
          Wallet wallet = session.loadWallet(Asset.TOKEN, Set.of());
          wallet.debit(amount, EntryKind.DEBIT, new EntryContext("image", null, "req-" + debitId, debitId, now));
          session.save(wallet);
          return null;
        });
  }

  /** The account's entries, newest first. */
  protected List<RecordedEntry> entriesOf(AccountId account) {
    return reader().entries(account, null, null, Long.MAX_VALUE, 1000);
  }

  private List<InvariantReport> ours(List<InvariantReport> reports) {
    return reports.stream().filter(r -> r.accountId().equals(alice) || r.accountId().equals(bob)).toList();
  }

  private void grant(AccountId account, GrantSource source, long amount, Instant expiresAt, String requestId) {
    wallets.grant(
        new GrantCommand(account, Asset.TOKEN, amount, source, null, expiresAt, null, "test", RequestId.of(requestId)));
  }

  private DebitOutcome debitFeature(String feature, String requestId) {
    return wallets.checkAndDebit(
        new DebitCommand(alice, new Pricing.ByFeature(feature, 1), RequestId.of(requestId), Map.of()));
  }
}
