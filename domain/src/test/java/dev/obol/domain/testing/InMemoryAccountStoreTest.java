package dev.obol.domain.testing;

import static dev.obol.domain.testing.GrantBuilder.aGrant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.AccountStatus;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.EntryContext;
import dev.obol.domain.model.Operation;
import dev.obol.domain.model.RecordedEntry;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.Wallet;
import dev.obol.domain.usecase.GrantReceipt;
import dev.obol.domain.port.AccountSession;
import dev.obol.domain.port.AccountStore;
import dev.obol.domain.port.AccountStore.LockMode;
import dev.obol.domain.port.DebitRecord;
import dev.obol.domain.testing.InMemoryAccountStore.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The in-memory store: the {@link AccountStoreContract}, and what only it does (checks at once, one at a time). */
class InMemoryAccountStoreTest extends AccountStoreContract {

  static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  static final AccountId ALICE = AccountId.of("alice");
  static final AccountId BOB = AccountId.of("bob");

  final MutableClock clock = MutableClock.at(NOW);
  final InMemoryAccountStore store = new InMemoryAccountStore(clock);
  final InMemoryLedgerAudit audit = new InMemoryLedgerAudit(store);

  @Override
  protected Subject subject() {
    return new Subject(store, store, audit, clock);
  }

  @Test
  void a_rolled_back_transaction_leaves_the_store_exactly_as_it_was() {
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
  void a_write_on_a_missing_account_is_refused_at_save_already() {
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
  void entry_ids_count_up_from_one_across_accounts() {
    credit(aGrant("a1").account(ALICE).amount(100).build());
    credit(aGrant("b1").account(BOB).amount(100).build());
    credit(aGrant("a2").account(ALICE).asset(Asset.EUR).amount(100).build());
    debit(ALICE, 10, "d1");

    assertThat(store.entries()).extracting(RecordedEntry::entryId).containsExactly(1L, 2L, 3L, 4L);
    assertThat(store.entries(ALICE, null, null, Long.MAX_VALUE, 10))
        .extracting(RecordedEntry::entryId)
        .containsExactly(4L, 3L, 1L);
    assertThat(store.entries(ALICE, null, null, 4, 10)).extracting(RecordedEntry::entryId).containsExactly(3L, 1L);
    assertThat(store.entries(ALICE)).extracting(r -> r.entry().amount()).containsExactly(100L, 100L, -10L);
  }

  @Test
  void due_expiries_list_exactly_the_accounts_with_an_expired_remainder() {
    credit(aGrant("a1").account(ALICE).amount(100).expiresAt(NOW.plusSeconds(60)).build());
    credit(aGrant("a2").account(ALICE).amount(50).build());
    clock.advance(Duration.ofMinutes(5));

    assertThat(store.accountsWithDueExpiries(clock.instant(), 10)).containsExactly(ALICE);
    assertThat(store.accountsWithDueExpiries(NOW, 10)).isEmpty();
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
