package dev.obol.domain.service;

import static dev.obol.domain.testing.ObolAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

import dev.obol.domain.error.FailedPreconditionException;
import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.error.NotFoundException;
import dev.obol.domain.model.Account;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.AccountStatus;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.DenialReason;
import dev.obol.domain.model.EntryKind;
import dev.obol.domain.model.FeatureCatalog;
import dev.obol.domain.model.Grant;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.LedgerEntry;
import dev.obol.domain.model.LowBalancePolicy;
import dev.obol.domain.model.Operation;
import dev.obol.domain.model.Pricing;
import dev.obol.domain.model.RecordedEntry;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.usecase.CheckOutcome;
import dev.obol.domain.usecase.CheckQuery;
import dev.obol.domain.usecase.DebitCommand;
import dev.obol.domain.usecase.DebitOutcome;
import dev.obol.domain.usecase.DebitOutcome.Debited;
import dev.obol.domain.usecase.DebitOutcome.Denied;
import dev.obol.domain.usecase.GrantCommand;
import dev.obol.domain.usecase.GrantReceipt;
import dev.obol.domain.usecase.LedgerPage;
import dev.obol.domain.usecase.LedgerQuery;
import dev.obol.domain.usecase.ReversalReceipt;
import dev.obol.domain.usecase.ReverseDebitCommand;
import dev.obol.domain.usecase.WalletView;
import dev.obol.domain.port.DebitRecord;
import dev.obol.domain.testing.InMemoryAccountStore;
import dev.obol.domain.testing.InMemoryLedgerAudit;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.domain.testing.InMemoryAccountStore.Snapshot;
import dev.obol.domain.testing.MutableClock;
import dev.obol.domain.testing.SequentialIds;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.RegisterExtension;

class WalletServiceTest {

  static final Instant START = Instant.parse("2025-03-01T12:00:00Z");
  static final AccountId ALICE = AccountId.of("alice");
  static final AccountId BOB = AccountId.of("bob");
  static final String GRANT_1 = SequentialIds.id("grt", 1);
  static final String GRANT_2 = SequentialIds.id("grt", 2);
  static final String DEBIT_1 = SequentialIds.id("dbt", 1);

  final MutableClock clock = MutableClock.at(START);
  final InMemoryAccountStore store = new InMemoryAccountStore(clock);
  final WalletService service =
      new WalletService(
          store, store, FeatureCatalog.defaults(), LowBalancePolicy.defaults(), new SequentialIds(), clock);

  final InMemoryLedgerAudit audit = new InMemoryLedgerAudit(store);

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant = LedgerInvariantExtension.over(audit, clock::instant);

  // ---- grant and debit -------------------------------------------------------------------------------------------

  @Test
  void a_grant_creates_the_account_and_a_debit_by_feature_costs_its_catalog_price() {
    GrantReceipt receipt = grant(ALICE, 200, GrantSource.PURCHASE, null, "buy-1");

    assertThat(receipt).isEqualTo(new GrantReceipt(GRANT_1, 200));
    assertThat(store.findAccount(ALICE)).hasValue(new Account(ALICE, AccountStatus.ACTIVE, START));

    clock.advance(Duration.ofMinutes(1));
    DebitOutcome outcome = debit(ALICE, "image", "use-1", Map.of("job", "42"));

    assertThat(outcome).isEqualTo(new Debited(DEBIT_1, Asset.TOKEN, 50, 150, false));
    assertThat(store.entries(ALICE))
        .extracting(RecordedEntry::entry)
        .containsExactly(
            new LedgerEntry(ALICE, Asset.TOKEN, GRANT_1, EntryKind.GRANT, 200, 200, null, "test", "buy-1", GRANT_1,
                START),
            new LedgerEntry(ALICE, Asset.TOKEN, GRANT_1, EntryKind.DEBIT, -50, 150, "image", null, "use-1", DEBIT_1,
                START.plusSeconds(60)));
    assertThat(store.debits(ALICE))
        .containsExactly(
            new DebitRecord(DEBIT_1, ALICE, Asset.TOKEN, "image", 50, Map.of("job", "42"), RequestId.of("use-1"),
                START.plusSeconds(60)));
    assertThat(store.request(ALICE, RequestId.of("use-1")))
        .hasValueSatisfying(row -> assertThat(row.operation()).isEqualTo(Operation.CHECK_AND_DEBIT));
    assertThat(service.balances(ALICE, Asset.TOKEN))
        .singleElement()
        .satisfies(
            view -> {
              assertThat(view.balance()).isEqualTo(150);
              assertThat(view.lowBalance()).isFalse();
              assertThat(view.grants()).extracting(Grant::grantId, Grant::remaining).containsExactly(tuple(GRANT_1, 150L));
            });
  }

  @Test
  void a_feature_missing_from_the_catalog_costs_the_default_price() {
    grant(ALICE, 100, GrantSource.PURCHASE, null, "buy-1");

    assertThat(debit(ALICE, "translation", "use-1", Map.of()))
        .isEqualTo(new Debited(DEBIT_1, Asset.TOKEN, 30, 70, true));
  }

  @Test
  void a_debit_by_amount_takes_from_the_named_asset_only() {
    grant(ALICE, 500, GrantSource.PURCHASE, null, "buy-1");
    service.grant(
        GrantCommand.of(ALICE, Asset.EUR, 2500, GrantSource.TOP_UP, null, RequestId.of("top-1")).withReference("cs_1"));

    DebitOutcome outcome = debitAmount(Asset.EUR, 500, "fee-1");

    assertThat(outcome).isEqualTo(new Debited(DEBIT_1, Asset.EUR, 500, 2000, false));
    assertThat(debitAmount(Asset.EUR, 1, "fee-2").lowBalance()).isTrue();
    assertThat(service.balances(ALICE, null))
        .extracting(WalletView::asset, WalletView::balance)
        .containsExactly(tuple(Asset.TOKEN, 500L), tuple(Asset.EUR, 1999L));
  }

  @Test
  void an_unknown_account_is_denied_with_a_zero_balance_and_nothing_is_written() {
    Snapshot before = store.snapshot();

    DebitOutcome outcome = debit(BOB, "image", "use-1", Map.of());

    assertThat(outcome).isEqualTo(new Denied(DenialReason.INSUFFICIENT_BALANCE, Asset.TOKEN, 50, 0, true));
    assertThat(store.snapshot()).isEqualTo(before);
    assertThat(store.findAccount(BOB)).isEmpty();
  }

  @Test
  void an_insufficient_balance_is_denied_without_writing_and_the_same_request_succeeds_after_a_top_up() {
    grant(ALICE, 30, GrantSource.PURCHASE, null, "buy-1");
    Snapshot before = store.snapshot();

    DebitOutcome denied = debit(ALICE, "image", "use-1", Map.of());

    assertThat(denied).isEqualTo(new Denied(DenialReason.INSUFFICIENT_BALANCE, Asset.TOKEN, 50, 30, true));
    assertThat(store.snapshot()).isEqualTo(before);

    grant(ALICE, 100, GrantSource.PURCHASE, null, "buy-2");
    DebitOutcome retried = debit(ALICE, "image", "use-1", Map.of());

    assertThat(retried).isEqualTo(new Debited(DEBIT_1, Asset.TOKEN, 50, 80, true));
  }

  // ---- idempotency -----------------------------------------------------------------------------------------------

  @Nested
  class Idempotency {

    @Test
    void a_retried_debit_gets_the_first_answer_and_writes_nothing() {
      grant(ALICE, 500, GrantSource.PURCHASE, null, "buy-1");
      DebitOutcome first = debit(ALICE, "image", "use-1", Map.of("job", "42"));
      debit(ALICE, "audio", "use-2", Map.of());
      Snapshot before = store.snapshot();

      DebitOutcome retry = debit(ALICE, "image", "use-1", Map.of("job", "42"));

      assertThat(retry).isEqualTo(first).isEqualTo(new Debited(DEBIT_1, Asset.TOKEN, 50, 450, false));
      assertThat(store.snapshot()).isEqualTo(before);
    }

    @Test
    void a_retried_debit_gets_the_first_answer_even_after_the_account_was_suspended() {
      grant(ALICE, 500, GrantSource.PURCHASE, null, "buy-1");
      DebitOutcome first = debit(ALICE, "image", "use-1", Map.of());
      store.setStatus(ALICE, AccountStatus.SUSPENDED);

      assertThat(debit(ALICE, "image", "use-1", Map.of())).isEqualTo(first);
    }

    @Test
    void quantity_zero_and_one_are_the_same_request() {
      grant(ALICE, 500, GrantSource.PURCHASE, null, "buy-1");
      DebitOutcome first = debit(ALICE, "image", "use-1", Map.of());
      Snapshot before = store.snapshot();

      DebitOutcome retry =
          service.checkAndDebit(
              new DebitCommand(ALICE, Pricing.of("image", 1, null, 0), RequestId.of("use-1"), Map.of()));

      assertThat(retry).isEqualTo(first);
      assertThat(store.snapshot()).isEqualTo(before);
    }

    @Test
    void a_retried_grant_gets_the_first_answer_and_writes_nothing() {
      GrantReceipt first = grant(ALICE, 500, GrantSource.PURCHASE, null, "buy-1");
      debit(ALICE, "image", "use-1", Map.of());
      Snapshot before = store.snapshot();

      assertThat(grant(ALICE, 500, GrantSource.PURCHASE, null, "buy-1"))
          .isEqualTo(first)
          .isEqualTo(new GrantReceipt(GRANT_1, 500));
      assertThat(store.snapshot()).isEqualTo(before);
    }

    @Test
    void a_retried_reversal_gets_the_first_answer_and_writes_nothing() {
      grant(ALICE, 500, GrantSource.PURCHASE, null, "buy-1");
      debit(ALICE, "image", "use-1", Map.of());
      ReversalReceipt first = reverse(DEBIT_1, 20, "rev-1");
      Snapshot before = store.snapshot();

      assertThat(reverse(DEBIT_1, 20, "rev-1")).isEqualTo(first).isEqualTo(new ReversalReceipt(20, 470));
      assertThat(store.snapshot()).isEqualTo(before);
    }

    @Test
    void the_same_request_id_with_another_payload_is_a_conflict_and_writes_nothing() {
      grant(ALICE, 500, GrantSource.PURCHASE, null, "buy-1");
      debit(ALICE, "image", "use-1", Map.of("job", "42"));
      Snapshot before = store.snapshot();

      assertConflict(() -> debit(ALICE, "audio", "use-1", Map.of("job", "42")));
      assertConflict(() -> debit(ALICE, "image", "use-1", Map.of("job", "43")));
      assertConflict(() -> debit(ALICE, "image", "use-1", Map.of()));
      assertConflict(() -> grant(ALICE, 501, GrantSource.PURCHASE, null, "buy-1"));
      assertConflict(() -> grant(ALICE, 500, GrantSource.PROMO, null, "buy-1"));
      assertThat(store.snapshot()).isEqualTo(before);
    }

    @Test
    void a_request_id_is_bound_to_its_operation() {
      grant(ALICE, 500, GrantSource.PURCHASE, null, "buy-1");
      debit(ALICE, "image", "use-1", Map.of());
      Snapshot before = store.snapshot();

      assertConflict(() -> debit(ALICE, "image", "buy-1", Map.of()));
      assertConflict(() -> grant(ALICE, 500, GrantSource.PURCHASE, null, "use-1"));
      assertConflict(() -> reverse(DEBIT_1, 0, "use-1"));
      assertConflict(() -> reverse(DEBIT_1, 0, "buy-1"));
      assertThat(store.snapshot()).isEqualTo(before);
    }

    @Test
    void request_ids_are_scoped_to_an_account() {
      grant(ALICE, 500, GrantSource.PURCHASE, null, "req-1");

      assertThat(grant(BOB, 70, GrantSource.PURCHASE, null, "req-1")).isEqualTo(new GrantReceipt(GRANT_2, 70));
    }

    void assertConflict(ThrowingCallable call) {
      assertFails(call, FailedPreconditionException.class, "REQUEST_ID_CONFLICT");
    }
  }

  // ---- burn order, expiry, low balance, status -------------------------------------------------------------------

  @Test
  void subscription_quota_burns_before_purchased_tokens() {
    grant(ALICE, 500, GrantSource.PURCHASE, null, "buy-1");
    clock.advance(Duration.ofHours(1));
    grant(ALICE, 3000, GrantSource.SUBSCRIPTION_QUOTA, START.plus(Duration.ofDays(31)), "quota-1");

    DebitOutcome outcome = debit(ALICE, "image", "use-1", Map.of());

    assertThat(outcome).isEqualTo(new Debited(DEBIT_1, Asset.TOKEN, 50, 3450, false));
    assertThat(store.grants(ALICE))
        .extracting(Grant::grantId, Grant::source, Grant::priority, Grant::remaining)
        .containsExactly(
            tuple(GRANT_1, GrantSource.PURCHASE, 100, 500L),
            tuple(GRANT_2, GrantSource.SUBSCRIPTION_QUOTA, 10, 2950L));
    assertThat(service.balances(ALICE, Asset.TOKEN).get(0).grants())
        .extracting(Grant::grantId)
        .containsExactly(GRANT_2, GRANT_1);
  }

  @Test
  void an_expired_grant_is_skipped_and_its_expiry_is_written_by_the_next_write() {
    grant(ALICE, 100, GrantSource.SUBSCRIPTION_QUOTA, START.plus(Duration.ofDays(1)), "quota-1");
    grant(ALICE, 200, GrantSource.PURCHASE, null, "buy-1");
    clock.advance(Duration.ofDays(2));
    Instant now = clock.instant();

    assertThat(service.check(check(ALICE, "image"))).isEqualTo(new CheckOutcome(true, null, 50, 200, false));
    assertThat(service.balances(ALICE, Asset.TOKEN).get(0).grants()).extracting(Grant::grantId).containsExactly(GRANT_2);
    assertThat(audit.check(ALICE, Asset.TOKEN, now))
        .satisfies(
            r -> {
              assertThat(r.sums().liveRemainingSum()).isEqualTo(200);
              assertThat(r.expiredUnswept()).isEqualTo(100);
              assertThat(r.holds()).isTrue();
            });

    DebitOutcome outcome = debit(ALICE, "image", "use-1", Map.of());

    assertThat(outcome).isEqualTo(new Debited(DEBIT_1, Asset.TOKEN, 50, 150, false));
    assertThat(store.entries(ALICE))
        .extracting(RecordedEntry::entry)
        .extracting(
            LedgerEntry::grantId, LedgerEntry::kind, LedgerEntry::amount, LedgerEntry::balanceAfter,
            LedgerEntry::reason, LedgerEntry::createdAt)
        .containsExactly(
            tuple(GRANT_1, EntryKind.GRANT, 100L, 100L, "test", START),
            tuple(GRANT_2, EntryKind.GRANT, 200L, 300L, "test", START),
            tuple(GRANT_1, EntryKind.EXPIRY, -100L, 200L, "expired", now),
            tuple(GRANT_2, EntryKind.DEBIT, -50L, 150L, null, now));
    assertThat(audit.check(ALICE, Asset.TOKEN, now).expiredUnswept()).isZero();
  }

  @Test
  void an_expired_grant_does_not_count_towards_a_debit_and_a_denial_writes_no_expiry() {
    grant(ALICE, 100, GrantSource.SUBSCRIPTION_QUOTA, START.plus(Duration.ofDays(1)), "quota-1");
    grant(ALICE, 30, GrantSource.PURCHASE, null, "buy-1");
    clock.advance(Duration.ofDays(1));
    Snapshot before = store.snapshot();

    DebitOutcome outcome = debit(ALICE, "image", "use-1", Map.of());

    assertThat(outcome).isEqualTo(new Denied(DenialReason.INSUFFICIENT_BALANCE, Asset.TOKEN, 50, 30, true));
    assertThat(store.snapshot()).isEqualTo(before);
  }

  @Test
  void a_grant_issued_later_expires_the_previous_grants_remainder() {
    grant(ALICE, 100, GrantSource.SUBSCRIPTION_QUOTA, START.plus(Duration.ofDays(30)), "quota-1");
    clock.advance(Duration.ofDays(30));

    GrantReceipt receipt = grant(ALICE, 100, GrantSource.SUBSCRIPTION_QUOTA, START.plus(Duration.ofDays(60)), "quota-2");

    assertThat(receipt).isEqualTo(new GrantReceipt(GRANT_2, 100));
    assertThat(store.entries(ALICE))
        .extracting(RecordedEntry::entry)
        .extracting(LedgerEntry::grantId, LedgerEntry::kind, LedgerEntry::amount, LedgerEntry::balanceAfter)
        .containsExactly(
            tuple(GRANT_1, EntryKind.GRANT, 100L, 100L),
            tuple(GRANT_1, EntryKind.EXPIRY, -100L, 0L),
            tuple(GRANT_2, EntryKind.GRANT, 100L, 100L));
  }

  @Test
  void the_low_balance_flag_is_set_under_100_tokens() {
    grant(ALICE, 150, GrantSource.PURCHASE, null, "buy-1");

    assertThat(debit(ALICE, "image", "use-1", Map.of()).lowBalance()).as("balance 100").isFalse();
    assertThat(service.check(check(ALICE, "video")).lowBalance()).as("check at 100").isFalse();
    assertThat(debit(ALICE, "image", "use-2", Map.of()).lowBalance()).as("balance 50").isTrue();
    assertThat(service.check(check(ALICE, "video")).lowBalance()).as("check at 50").isTrue();
    assertThat(service.balances(ALICE, Asset.TOKEN).get(0).lowBalance()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({"SUSPENDED, ACCOUNT_SUSPENDED", "INSUFFICIENT_FUNDS, ACCOUNT_INSUFFICIENT_FUNDS"})
  void an_account_that_may_not_spend_is_denied_with_the_matching_reason(AccountStatus status, DenialReason reason) {
    grant(ALICE, 500, GrantSource.PURCHASE, null, "buy-1");
    store.setStatus(ALICE, status);
    Snapshot before = store.snapshot();

    assertThat(debit(ALICE, "image", "use-1", Map.of()))
        .isEqualTo(new Denied(reason, Asset.TOKEN, 50, 500, false));
    assertThat(service.check(check(ALICE, "image"))).isEqualTo(new CheckOutcome(false, reason, 50, 500, false));
    assertThat(store.snapshot()).isEqualTo(before);

    store.setStatus(ALICE, AccountStatus.ACTIVE);
    assertThat(debit(ALICE, "image", "use-1", Map.of())).isInstanceOf(Debited.class);
  }

  // ---- reversal --------------------------------------------------------------------------------------------------

  @Nested
  class ReverseDebit {

    /** A debit of 50 that took 30 from the quota grant (grt 1) and 20 from the pack (grt 2). */
    void debitAcrossQuotaAndPack() {
      grant(ALICE, 30, GrantSource.SUBSCRIPTION_QUOTA, START.plus(Duration.ofDays(30)), "quota-1");
      grant(ALICE, 100, GrantSource.PURCHASE, null, "buy-1");
      assertThat(debit(ALICE, "image", "use-1", Map.of())).isEqualTo(new Debited(DEBIT_1, Asset.TOKEN, 50, 80, true));
      assertThat(remaining()).containsExactly(0L, 80L);
    }

    List<Long> remaining() {
      return store.grants(ALICE).stream().map(Grant::remaining).toList();
    }

    @Test
    void a_full_reversal_gives_everything_back_to_the_grants_it_came_from() {
      debitAcrossQuotaAndPack();

      ReversalReceipt receipt = reverse(DEBIT_1, 0, "rev-1");

      assertThat(receipt).isEqualTo(new ReversalReceipt(50, 130));
      assertThat(remaining()).containsExactly(30L, 100L);
      assertThat(lastEntries(2))
          .extracting(
              LedgerEntry::grantId, LedgerEntry::kind, LedgerEntry::amount, LedgerEntry::balanceAfter,
              LedgerEntry::feature, LedgerEntry::reason, LedgerEntry::requestId, LedgerEntry::operationId)
          .containsExactly(
              tuple(GRANT_2, EntryKind.REVERSAL, 20L, 100L, "image", "refund", "rev-1", DEBIT_1),
              tuple(GRANT_1, EntryKind.REVERSAL, 30L, 130L, "image", "refund", "rev-1", DEBIT_1));
    }

    @Test
    void a_partial_reversal_refills_in_reverse_burn_order() {
      debitAcrossQuotaAndPack();

      assertThat(reverse(DEBIT_1, 25, "rev-1")).isEqualTo(new ReversalReceipt(25, 105));
      assertThat(remaining()).containsExactly(5L, 100L);

      assertThat(reverse(DEBIT_1, 0, "rev-2")).isEqualTo(new ReversalReceipt(25, 130));
      assertThat(remaining()).containsExactly(30L, 100L);
    }

    @Test
    void a_reversal_beyond_what_is_left_is_refused_and_writes_nothing() {
      debitAcrossQuotaAndPack();
      reverse(DEBIT_1, 20, "rev-1");
      Snapshot before = store.snapshot();

      assertFails(() -> reverse(DEBIT_1, 31, "rev-2"), FailedPreconditionException.class, "REVERSAL_EXCEEDS_DEBIT");
      assertThat(store.snapshot()).isEqualTo(before);

      assertThat(reverse(DEBIT_1, 30, "rev-3")).isEqualTo(new ReversalReceipt(30, 130));
    }

    @Test
    void a_fully_reversed_debit_cannot_be_reversed_again() {
      debitAcrossQuotaAndPack();
      reverse(DEBIT_1, 0, "rev-1");
      Snapshot before = store.snapshot();

      assertFails(() -> reverse(DEBIT_1, 0, "rev-2"), FailedPreconditionException.class, "DEBIT_ALREADY_REVERSED");
      assertFails(() -> reverse(DEBIT_1, 1, "rev-3"), FailedPreconditionException.class, "DEBIT_ALREADY_REVERSED");
      assertThat(store.snapshot()).isEqualTo(before);
    }

    @Test
    void an_unknown_debit_or_account_is_not_found() {
      grant(ALICE, 100, GrantSource.PURCHASE, null, "buy-1");
      Snapshot before = store.snapshot();

      assertFails(() -> reverse(DEBIT_1, 0, "rev-1"), NotFoundException.class, "DEBIT_NOT_FOUND");
      assertFails(
          () -> service.reverseDebit(new ReverseDebitCommand(BOB, DEBIT_1, 0, null, RequestId.of("rev-1"))),
          NotFoundException.class,
          "ACCOUNT_NOT_FOUND");
      assertThat(store.snapshot()).isEqualTo(before);
    }

    @Test
    void a_debit_of_another_account_is_not_found() {
      grant(BOB, 100, GrantSource.PURCHASE, null, "buy-1");
      debit(BOB, "image", "use-1", Map.of());
      grant(ALICE, 100, GrantSource.PURCHASE, null, "buy-1");

      assertFails(() -> reverse(DEBIT_1, 0, "rev-1"), NotFoundException.class, "DEBIT_NOT_FOUND");
    }

    @Test
    void what_goes_back_to_a_grant_expired_since_expires_with_it() {
      grant(ALICE, 100, GrantSource.SUBSCRIPTION_QUOTA, START.plus(Duration.ofDays(1)), "quota-1");
      debit(ALICE, "image", "use-1", Map.of());
      clock.advance(Duration.ofDays(2));

      assertThat(reverse(DEBIT_1, 0, "rev-1")).isEqualTo(new ReversalReceipt(50, 0));
      assertThat(lastEntries(3))
          .extracting(LedgerEntry::kind, LedgerEntry::amount, LedgerEntry::balanceAfter)
          .containsExactly(
              tuple(EntryKind.EXPIRY, -50L, 0L), tuple(EntryKind.REVERSAL, 50L, 50L), tuple(EntryKind.EXPIRY, -50L, 0L));
      assertThat(remaining()).containsExactly(0L);
    }
  }

  // ---- reads -----------------------------------------------------------------------------------------------------

  @Test
  void check_answers_without_writing_anything() {
    grant(ALICE, 100, GrantSource.SUBSCRIPTION_QUOTA, START.plus(Duration.ofDays(1)), "quota-1");
    grant(ALICE, 200, GrantSource.PURCHASE, null, "buy-1");
    clock.advance(Duration.ofDays(2));
    Snapshot before = store.snapshot();

    assertThat(service.check(check(ALICE, "image"))).isEqualTo(new CheckOutcome(true, null, 50, 200, false));
    assertThat(service.check(new CheckQuery(ALICE, Pricing.of("image", 5, null, 0))))
        .isEqualTo(new CheckOutcome(false, DenialReason.INSUFFICIENT_BALANCE, 250, 200, false));
    assertThat(service.check(check(BOB, "image")))
        .isEqualTo(new CheckOutcome(false, DenialReason.INSUFFICIENT_BALANCE, 50, 0, true));
    assertThat(store.snapshot()).isEqualTo(before);
  }

  @Test
  void the_ledger_pages_newest_first() {
    grant(ALICE, 1000, GrantSource.PURCHASE, null, "buy-1");
    List<String> features = List.of("image", "audio", "video", "image", "audio");
    for (int i = 0; i < features.size(); i++) {
      debit(ALICE, features.get(i), "use-" + i, Map.of());
    }
    List<Long> all = store.entries(ALICE).stream().map(RecordedEntry::entryId).toList();
    assertThat(all).hasSize(6).isSorted();

    LedgerPage first = service.ledger(new LedgerQuery(ALICE, null, null, 4, null));
    assertThat(first.entries()).extracting(RecordedEntry::entryId)
        .containsExactly(all.get(5), all.get(4), all.get(3), all.get(2));
    assertThat(first.nextPageToken()).isNotEmpty();

    LedgerPage second = service.ledger(new LedgerQuery(ALICE, null, null, 4, first.nextPageToken()));
    assertThat(second.entries()).extracting(RecordedEntry::entryId).containsExactly(all.get(1), all.get(0));
    assertThat(second.nextPageToken()).isEmpty();

    LedgerPage exact = service.ledger(new LedgerQuery(ALICE, null, null, 3, null));
    assertThat(service.ledger(new LedgerQuery(ALICE, null, null, 3, exact.nextPageToken())).nextPageToken())
        .isEmpty();
    assertThat(service.ledger(new LedgerQuery(ALICE, null, null, 0, null)).entries()).hasSize(6);

    assertThat(service.ledger(new LedgerQuery(ALICE, null, "audio", 0, null)).entries())
        .extracting(RecordedEntry::entryId)
        .containsExactly(all.get(5), all.get(2));
    assertThat(service.ledger(new LedgerQuery(ALICE, Asset.EUR, null, 0, null)).entries()).isEmpty();
  }

  @Test
  void the_ledger_of_an_unknown_account_is_not_found_and_a_foreign_page_token_is_invalid() {
    grant(ALICE, 100, GrantSource.PURCHASE, null, "buy-1");

    assertFails(
        () -> service.ledger(new LedgerQuery(BOB, null, null, 0, null)), NotFoundException.class, "ACCOUNT_NOT_FOUND");
    assertFails(() -> service.balances(BOB, null), NotFoundException.class, "ACCOUNT_NOT_FOUND");
    assertThatThrownBy(() -> service.ledger(new LedgerQuery(ALICE, null, null, 0, "not-a-token")))
        .isInstanceOfSatisfying(
            InvalidArgumentException.class,
            e -> {
              assertThat(e.field()).isEqualTo("page_token");
              assertThat(e.reason()).isEqualTo("INVALID_PAGE_TOKEN");
            });
  }

  @Test
  void features_lists_the_catalog() {
    assertThat(service.features()).isEqualTo(FeatureCatalog.defaults().features());
  }

  // ---- grant validation and atomicity ----------------------------------------------------------------------------

  @Test
  void a_grant_expiring_now_or_earlier_is_an_invalid_expires_at() {
    Snapshot before = store.snapshot();

    for (Instant expiresAt : List.of(START, START.minusSeconds(1))) {
      assertThatThrownBy(() -> grant(ALICE, 100, GrantSource.PROMO, expiresAt, "promo-1"))
          .isInstanceOfSatisfying(
              InvalidArgumentException.class,
              e -> {
                assertThat(e.field()).isEqualTo("expires_at");
                assertThat(e.reason()).isEqualTo("EXPIRES_IN_PAST");
              });
    }
    assertThat(store.snapshot()).isEqualTo(before);
  }

  @Test
  void a_grant_expiring_within_the_current_microsecond_is_refused() {
    clock.set(START.plusNanos(1_500));

    Throwable thrown = catchThrowable(() -> grant(ALICE, 100, GrantSource.PROMO, START.plusNanos(1_999), "promo-1"));

    // Stored at microsecond precision, that expiry equals "now": refused rather than granted already expired.
    assertThat(thrown).isInstanceOfSatisfying(
        InvalidArgumentException.class, e -> assertThat(e.field()).isEqualTo("expires_at"));
  }

  @Test
  void the_usage_history_of_a_feature_holds_only_its_own_debits() {
    grant(ALICE, 100, GrantSource.SUBSCRIPTION_QUOTA, START.plus(Duration.ofDays(1)), "quota-1");
    grant(ALICE, 200, GrantSource.PURCHASE, null, "buy-1");
    clock.advance(Duration.ofDays(2));
    debit(ALICE, "image", "use-1", Map.of());

    assertThat(service.ledger(new LedgerQuery(ALICE, null, "image", 0, null)).entries())
        .extracting(r -> r.entry().kind())
        .containsOnly(EntryKind.DEBIT);
  }

  @Test
  void an_overflowing_grant_is_refused_and_rolled_back() {
    grant(ALICE, Long.MAX_VALUE, GrantSource.PURCHASE, null, "buy-1");
    Snapshot before = store.snapshot();

    assertFails(() -> grant(ALICE, 1, GrantSource.PURCHASE, null, "buy-2"), InvalidArgumentException.class,
        "AMOUNT_OVERFLOW");
    assertThat(store.snapshot()).isEqualTo(before);
  }

  @Test
  void an_explicit_priority_overrides_the_sources_default() {
    grant(ALICE, 100, GrantSource.SUBSCRIPTION_QUOTA, START.plus(Duration.ofDays(30)), "quota-1");
    service.grant(
        GrantCommand.of(ALICE, Asset.TOKEN, 100, GrantSource.PROMO, null, RequestId.of("promo-1")).withPriority(1));

    debit(ALICE, "image", "use-1", Map.of());

    assertThat(store.grants(ALICE)).extracting(Grant::priority, Grant::remaining)
        .containsExactly(tuple(10, 100L), tuple(1, 50L));
  }

  // ---- concurrency -----------------------------------------------------------------------------------------------

  @Test
  void concurrent_debits_never_overdraw_a_wallet() throws Exception {
    grant(ALICE, 1000, GrantSource.PURCHASE, null, "buy-1");
    int threads = 40;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<DebitOutcome>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        String requestId = "use-" + i;
        Callable<DebitOutcome> task =
            () -> {
              go.await();
              return debit(ALICE, "image", requestId, Map.of());
            };
        futures.add(pool.submit(task));
      }
      go.countDown();
      List<DebitOutcome> outcomes = new ArrayList<>();
      for (Future<DebitOutcome> future : futures) {
        outcomes.add(future.get(10, TimeUnit.SECONDS));
      }

      assertThat(outcomes).filteredOn(Debited.class::isInstance).hasSize(20);
      assertThat(outcomes).filteredOn(Denied.class::isInstance).hasSize(20);
      assertThat(service.balances(ALICE, Asset.TOKEN).get(0).balance()).isZero();
      assertThat(store.debits(ALICE)).hasSize(20);
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  GrantReceipt grant(AccountId account, long amount, GrantSource source, Instant expiresAt, String requestId) {
    return service.grant(
        GrantCommand.of(account, Asset.TOKEN, amount, source, "test", RequestId.of(requestId)).withExpiry(expiresAt));
  }

  DebitOutcome debit(AccountId account, String feature, String requestId, Map<String, String> metadata) {
    return service.checkAndDebit(
        new DebitCommand(account, Pricing.of(feature, 0, null, 0), RequestId.of(requestId), metadata));
  }

  DebitOutcome debitAmount(Asset asset, long amount, String requestId) {
    return service.checkAndDebit(
        new DebitCommand(ALICE, Pricing.of(null, 0, asset, amount), RequestId.of(requestId), Map.of()));
  }

  ReversalReceipt reverse(String debitId, long amount, String requestId) {
    return service.reverseDebit(new ReverseDebitCommand(ALICE, debitId, amount, "refund", RequestId.of(requestId)));
  }

  static CheckQuery check(AccountId account, String feature) {
    return new CheckQuery(account, Pricing.of(feature, 0, null, 0));
  }

  List<LedgerEntry> lastEntries(int count) {
    List<RecordedEntry> entries = store.entries(ALICE);
    return entries.subList(entries.size() - count, entries.size()).stream().map(RecordedEntry::entry).toList();
  }
}
