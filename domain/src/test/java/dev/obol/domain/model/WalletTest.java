package dev.obol.domain.model;

import static dev.obol.domain.testing.GrantBuilder.ACCOUNT;
import static dev.obol.domain.testing.GrantBuilder.aGrant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.model.Wallet.Allocation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class WalletTest {

  static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  static final EntryContext DEBIT = new EntryContext("image", null, "req-1", "dbt_1", NOW);

  static Wallet wallet(Grant... grants) {
    return new Wallet(ACCOUNT, Asset.TOKEN, List.of(grants));
  }

  static Instant days(long n) {
    return NOW.plus(Duration.ofDays(n));
  }

  /** Debits everything and returns the grant ids in the order they were burned. */
  static List<String> burnOrder(Wallet wallet) {
    return wallet.debit(wallet.liveBalanceAt(NOW), EntryKind.DEBIT, DEBIT).stream()
        .map(Allocation::grantId)
        .toList();
  }

  @Nested
  class BurnOrder {

    @Test
    void lower_priority_number_burns_first_even_when_newer_and_expiring_later() {
      Wallet wallet =
          wallet(
              aGrant("old").priority(100).expiresAt(days(1)).createdAt(NOW.minusSeconds(100)).build(),
              aGrant("new").priority(10).expiresAt(days(30)).createdAt(NOW).build());

      assertThat(burnOrder(wallet)).containsExactly("new", "old");
    }

    @Test
    void same_priority_burns_the_earliest_expiry_first_and_no_expiry_last() {
      Wallet wallet =
          wallet(
              aGrant("never").createdAt(NOW.minusSeconds(300)).build(),
              aGrant("in2days").expiresAt(days(2)).createdAt(NOW.minusSeconds(200)).build(),
              aGrant("in1day").expiresAt(days(1)).createdAt(NOW.minusSeconds(100)).build());

      assertThat(burnOrder(wallet)).containsExactly("in1day", "in2days", "never");
    }

    @Test
    void same_priority_and_expiry_burns_the_oldest_first() {
      Wallet wallet =
          wallet(
              aGrant("a-newer").createdAt(NOW.minusSeconds(10)).build(),
              aGrant("z-older").createdAt(NOW.minusSeconds(20)).build());

      assertThat(burnOrder(wallet)).containsExactly("z-older", "a-newer");
    }

    @Test
    void the_id_breaks_remaining_ties() {
      Wallet wallet = wallet(aGrant("g2").build(), aGrant("g3").build(), aGrant("g1").build());

      assertThat(burnOrder(wallet)).containsExactly("g1", "g2", "g3");
    }

    @Test
    void subscription_quota_burns_before_a_purchase_by_default() {
      Wallet wallet =
          wallet(
              aGrant("pack").source(GrantSource.PURCHASE).createdAt(NOW.minusSeconds(1000)).build(),
              aGrant("quota").source(GrantSource.SUBSCRIPTION_QUOTA).expiresAt(days(30)).build());

      assertThat(List.of(wallet.grant("quota"), wallet.grant("pack")))
          .allSatisfy(g -> assertThat(g.remaining()).isPositive());
      assertThat(burnOrder(wallet)).containsExactly("quota", "pack");
    }
  }

  @Nested
  class Debit {

    @Test
    void spanning_several_grants_writes_one_entry_per_grant_with_the_running_balance() {
      Wallet wallet =
          wallet(
              aGrant("a").priority(1).amount(30).build(),
              aGrant("b").priority(2).amount(50).build(),
              aGrant("c").priority(3).amount(100).build());

      List<Allocation> allocations = wallet.debit(100, EntryKind.DEBIT, DEBIT);

      assertThat(allocations)
          .containsExactly(new Allocation("a", 30), new Allocation("b", 50), new Allocation("c", 20));
      assertThat(wallet.newEntries())
          .extracting(
              LedgerEntry::grantId, LedgerEntry::kind, LedgerEntry::amount, LedgerEntry::balanceAfter)
          .containsExactly(
              tuple("a", EntryKind.DEBIT, -30L, 150L),
              tuple("b", EntryKind.DEBIT, -50L, 100L),
              tuple("c", EntryKind.DEBIT, -20L, 80L));
      assertThat(wallet.newEntries())
          .allSatisfy(
              e -> {
                assertThat(e.accountId()).isEqualTo(ACCOUNT);
                assertThat(e.asset()).isEqualTo(Asset.TOKEN);
                assertThat(e.feature()).isEqualTo("image");
                assertThat(e.requestId()).isEqualTo("req-1");
                assertThat(e.operationId()).isEqualTo("dbt_1");
                assertThat(e.createdAt()).isEqualTo(NOW);
              });
      assertThat(wallet.balance()).isEqualTo(80);
      assertThat(wallet.changedGrants())
          .extracting(Grant::grantId, Grant::remaining)
          .containsExactlyInAnyOrder(tuple("a", 0L), tuple("b", 0L), tuple("c", 80L));
      assertThat(wallet.addedGrants()).isEmpty();
      assertThat(Stream.of("a", "b", "c").map(id -> wallet.grant(id).remaining())).containsExactly(0L, 0L, 80L);
    }

    @Test
    void takes_only_what_is_needed_from_the_first_grant() {
      Wallet wallet = wallet(aGrant("a").amount(100).build(), aGrant("b").amount(100).build());

      assertThat(wallet.debit(40, EntryKind.DEBIT, DEBIT)).containsExactly(new Allocation("a", 40));
      assertThat(wallet.changedGrants()).extracting(Grant::grantId).containsExactly("a");
      assertThat(wallet.grant("b").remaining()).isEqualTo(100);
    }

    @Test
    void never_spends_an_expired_grant_even_before_its_expiry_is_written() {
      Wallet wallet =
          wallet(
              aGrant("expired").priority(0).amount(100).expiresAt(NOW.minusSeconds(1)).build(),
              aGrant("live").priority(100).amount(50).build());

      assertThat(wallet.balance()).isEqualTo(150);
      assertThat(wallet.liveBalanceAt(NOW)).isEqualTo(50);

      assertThat(wallet.debit(30, EntryKind.DEBIT, DEBIT)).containsExactly(new Allocation("live", 30));
      assertThat(wallet.grant("expired").remaining()).isEqualTo(100);
      assertThatThrownBy(() -> wallet.debit(21, EntryKind.DEBIT, DEBIT))
          .isInstanceOf(IllegalStateException.class);
      assertThat(wallet.newEntries()).hasSize(1);
    }

    @Test
    void a_grant_expiring_exactly_now_is_no_longer_live() {
      Wallet wallet = wallet(aGrant("edge").amount(100).expiresAt(NOW).build());

      assertThat(wallet.liveBalanceAt(NOW)).isZero();
      assertThat(wallet.liveBalanceAt(NOW.minusNanos(1))).isEqualTo(100);
    }

    @Test
    void more_than_the_live_balance_is_a_programming_error_and_changes_nothing() {
      Wallet wallet = wallet(aGrant("a").amount(30).build(), aGrant("b").amount(20).build());

      assertThatThrownBy(() -> wallet.debit(51, EntryKind.DEBIT, DEBIT))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("51");
      assertThatThrownBy(() -> wallet.debit(0, EntryKind.DEBIT, DEBIT)).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> wallet.debit(-5, EntryKind.DEBIT, DEBIT)).isInstanceOf(IllegalStateException.class);
      assertThat(wallet.hasChanges()).isFalse();
      assertThat(wallet.changedGrants()).isEmpty();
      assertThat(wallet.balance()).isEqualTo(50);
    }

    @Test
    void the_whole_live_balance_can_be_debited() {
      Wallet wallet = wallet(aGrant("a").amount(30).build(), aGrant("b").amount(20).build());

      wallet.debit(50, EntryKind.DEBIT, DEBIT);

      assertThat(wallet.balance()).isZero();
      assertThat(wallet.grant("a").remaining()).isZero();
      assertThat(wallet.grant("b").remaining()).isZero();
      assertThat(wallet.liveBalanceAt(NOW)).isZero();
    }
  }

  @Nested
  class ExpireDue {

    @Test
    void writes_an_expiry_entry_for_the_remainder_of_each_expired_grant() {
      Wallet wallet =
          wallet(
              aGrant("quota").source(GrantSource.SUBSCRIPTION_QUOTA).amount(3000).remaining(1200)
                  .expiresAt(NOW.minusSeconds(60)).build(),
              aGrant("promo").priority(50).amount(40).expiresAt(NOW).build(),
              aGrant("pack").amount(500).build(),
              aGrant("later").amount(70).expiresAt(days(3)).build());
      EntryContext context = new EntryContext(null, null, "req-9", "grt_9", NOW);

      long expired = wallet.expireDue(NOW, context);

      assertThat(expired).isEqualTo(1240);
      assertThat(wallet.newEntries())
          .extracting(
              LedgerEntry::grantId,
              LedgerEntry::kind,
              LedgerEntry::amount,
              LedgerEntry::balanceAfter,
              LedgerEntry::reason,
              LedgerEntry::operationId)
          .containsExactly(
              tuple("quota", EntryKind.EXPIRY, -1200L, 610L, "expired", "grt_9"),
              tuple("promo", EntryKind.EXPIRY, -40L, 570L, "expired", "grt_9"));
      assertThat(wallet.balance()).isEqualTo(570).isEqualTo(wallet.liveBalanceAt(NOW));
      assertThat(wallet.grant("quota").remaining()).isZero();
      assertThat(wallet.grant("later").remaining()).isEqualTo(70);
    }

    @Test
    void is_idempotent_and_ignores_live_and_empty_grants() {
      Wallet wallet =
          wallet(
              aGrant("spent").amount(10).remaining(0).expiresAt(NOW.minusSeconds(5)).build(),
              aGrant("old").amount(10).expiresAt(NOW.minusSeconds(5)).build(),
              aGrant("live").amount(10).build());
      EntryContext context = EntryContext.of(null, null, NOW);

      assertThat(wallet.expireDue(NOW, context)).isEqualTo(10);
      assertThat(wallet.expireDue(NOW, context)).isZero();
      assertThat(wallet.newEntries()).extracting(LedgerEntry::grantId).containsExactly("old");
    }
  }

  @Nested
  class Credit {

    @Test
    void adds_the_grant_with_a_grant_entry_for_its_whole_amount() {
      Wallet wallet = wallet(aGrant("old").amount(40).build());
      Grant grant = aGrant("new").amount(60).reason("welcome").build();
      EntryContext context = new EntryContext(null, "welcome", "req-2", "new", NOW);

      wallet.credit(grant, context);

      assertThat(wallet.balance()).isEqualTo(100);
      assertThat(wallet.addedGrants()).containsExactly(grant);
      assertThat(wallet.changedGrants()).isEmpty();
      assertThat(wallet.newEntries())
          .extracting(
              LedgerEntry::grantId, LedgerEntry::kind, LedgerEntry::amount, LedgerEntry::balanceAfter,
              LedgerEntry::reason)
          .containsExactly(tuple("new", EntryKind.GRANT, 60L, 100L, "welcome"));
    }

    @Test
    void an_adjustment_writes_an_adjustment_entry() {
      Wallet wallet = wallet();

      wallet.credit(aGrant("adj").source(GrantSource.ADJUSTMENT).amount(5).build(), DEBIT);

      assertThat(wallet.newEntries()).extracting(LedgerEntry::kind).containsExactly(EntryKind.ADJUSTMENT);
    }

    @Test
    void a_grant_added_and_spent_in_one_transaction_is_saved_once_in_its_final_state() {
      Wallet wallet = wallet();
      wallet.credit(aGrant("new").amount(60).build(), DEBIT);

      wallet.debit(25, EntryKind.DEBIT, DEBIT);

      assertThat(wallet.addedGrants()).extracting(Grant::grantId, Grant::remaining).containsExactly(tuple("new", 35L));
      assertThat(wallet.changedGrants()).isEmpty();
      assertThat(wallet.newEntries()).extracting(LedgerEntry::amount).containsExactly(60L, -25L);
    }

    @Test
    void refuses_a_grant_already_in_the_wallet_or_partly_spent() {
      Wallet wallet = wallet(aGrant("g").build());

      assertThatThrownBy(() -> wallet.credit(aGrant("g").build(), DEBIT)).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> wallet.credit(aGrant("h").amount(10).remaining(5).build(), DEBIT))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(wallet.hasChanges()).isFalse();
    }

    @Test
    void an_overflowing_credit_is_an_invalid_argument_and_leaves_the_wallet_unchanged() {
      Wallet wallet = wallet(aGrant("big").amount(Long.MAX_VALUE - 10).build());

      assertThatThrownBy(() -> wallet.credit(aGrant("more").amount(11).build(), DEBIT))
          .isInstanceOfSatisfying(
              InvalidArgumentException.class,
              e -> {
                assertThat(e.reason()).isEqualTo("AMOUNT_OVERFLOW");
                assertThat(e.field()).isEqualTo("amount");
              });

      assertThat(wallet.balance()).isEqualTo(Long.MAX_VALUE - 10);
      assertThat(wallet.hasChanges()).isFalse();
      assertThat(wallet.addedGrants()).isEmpty();
      assertThat(wallet.grant("big").remaining()).isEqualTo(Long.MAX_VALUE - 10);
      assertThatThrownBy(() -> wallet.grant("more")).isInstanceOf(IllegalStateException.class);
      // Exactly up to the limit is fine.
      wallet.credit(aGrant("fits").amount(10).build(), DEBIT);
      assertThat(wallet.balance()).isEqualTo(Long.MAX_VALUE);
    }
  }

  @Nested
  class RestoreAndTakeFrom {

    @Test
    void restore_gives_back_to_one_grant_with_a_reversal_entry() {
      Wallet wallet = wallet(aGrant("a").amount(100).remaining(40).build(), aGrant("b").amount(10).build());

      wallet.restore("a", 50, EntryKind.REVERSAL, DEBIT);

      assertThat(wallet.grant("a").remaining()).isEqualTo(90);
      assertThat(wallet.balance()).isEqualTo(100);
      assertThat(wallet.newEntries())
          .extracting(LedgerEntry::grantId, LedgerEntry::kind, LedgerEntry::amount, LedgerEntry::balanceAfter)
          .containsExactly(tuple("a", EntryKind.REVERSAL, 50L, 100L));
    }

    @Test
    void restore_never_lifts_a_grant_above_its_amount() {
      Wallet wallet = wallet(aGrant("a").amount(100).remaining(40).build());

      assertThatThrownBy(() -> wallet.restore("a", 61, EntryKind.REVERSAL, DEBIT))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> wallet.restore("a", 0, EntryKind.REVERSAL, DEBIT))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> wallet.restore("missing", 1, EntryKind.REVERSAL, DEBIT))
          .isInstanceOf(IllegalStateException.class);
      assertThat(wallet.hasChanges()).isFalse();

      wallet.restore("a", 60, EntryKind.REVERSAL, DEBIT);
      assertThat(wallet.grant("a").remaining()).isEqualTo(100);
    }

    @Test
    void take_from_takes_at_most_what_remains_and_never_goes_below_zero() {
      Wallet wallet = wallet(aGrant("a").amount(100).remaining(30).build(), aGrant("b").amount(20).build());

      assertThat(wallet.takeFrom("a", 50, EntryKind.CLAWBACK, DEBIT)).isEqualTo(30);
      assertThat(wallet.takeFrom("a", 5, EntryKind.CLAWBACK, DEBIT)).isZero();
      assertThat(wallet.takeFrom("b", 5, EntryKind.CLAWBACK, DEBIT)).isEqualTo(5);

      assertThat(wallet.grant("a").remaining()).isZero();
      assertThat(wallet.balance()).isEqualTo(15);
      assertThat(wallet.newEntries())
          .extracting(LedgerEntry::grantId, LedgerEntry::kind, LedgerEntry::amount, LedgerEntry::balanceAfter)
          .containsExactly(tuple("a", EntryKind.CLAWBACK, -30L, 20L), tuple("b", EntryKind.CLAWBACK, -5L, 15L));
    }
  }

  @Test
  void refuses_grants_of_another_account_or_asset() {
    assertThatThrownBy(() -> wallet(aGrant("x").account(AccountId.of("someone-else")).build()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> wallet(aGrant("x").asset(Asset.EUR).build()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void a_grant_keeps_remaining_within_zero_and_its_amount() {
    assertThatThrownBy(() -> aGrant("x").amount(10).remaining(11).build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> aGrant("x").amount(10).remaining(-1).build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> aGrant("x").amount(0).build()).isInstanceOf(IllegalStateException.class);
  }
}
