package dev.obol.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.EntryKind;
import dev.obol.domain.model.FeatureCatalog;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.LedgerEntry;
import dev.obol.domain.model.LowBalancePolicy;
import dev.obol.domain.model.RecordedEntry;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.usecase.GrantCommand;
import dev.obol.domain.testing.InMemoryAccountStore;
import dev.obol.domain.testing.InMemoryLedgerAudit;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.domain.testing.MutableClock;
import dev.obol.domain.testing.SequentialIds;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ExpirySweeperTest {

  static final Instant START = Instant.parse("2025-03-01T12:00:00Z");
  static final AccountId ALICE = AccountId.of("alice");
  static final AccountId BOB = AccountId.of("bob");

  final MutableClock clock = MutableClock.at(START);
  final InMemoryAccountStore store = new InMemoryAccountStore(clock);
  final WalletService wallets =
      new WalletService(
          store, store, FeatureCatalog.defaults(), LowBalancePolicy.defaults(), new SequentialIds(), clock);
  final ExpirySweeper sweeper = new ExpirySweeper(store, store, clock);

  final InMemoryLedgerAudit audit = new InMemoryLedgerAudit(store);

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant = LedgerInvariantExtension.over(audit, clock::instant);

  @Test
  void writes_the_expiry_of_every_expired_grant_once() {
    grant(ALICE, Asset.TOKEN, 100, START.plus(Duration.ofDays(1)), "quota-1");
    grant(ALICE, Asset.EUR, 700, START.plus(Duration.ofDays(1)), "promo-1");
    grant(ALICE, Asset.TOKEN, 50, null, "buy-1");
    grant(BOB, Asset.TOKEN, 10, START.plus(Duration.ofDays(5)), "quota-1");

    assertThat(sweeper.sweep()).as("nothing due yet").isZero();
    clock.advance(Duration.ofDays(2));

    assertThat(sweeper.sweep()).isEqualTo(1);

    assertThat(store.entries(ALICE))
        .extracting(RecordedEntry::entry)
        .filteredOn(e -> e.kind() == EntryKind.EXPIRY)
        .extracting(LedgerEntry::asset, LedgerEntry::amount, LedgerEntry::balanceAfter, LedgerEntry::reason)
        .containsExactly(tuple(Asset.TOKEN, -100L, 50L, "expired"), tuple(Asset.EUR, -700L, 0L, "expired"));
    assertThat(audit.check(ALICE, Asset.TOKEN, clock.instant()).expiredUnswept()).isZero();
    assertThat(store.entries(BOB)).hasSize(1);
    assertThat(sweeper.sweep()).isZero();
  }

  void grant(AccountId account, Asset asset, long amount, Instant expiresAt, String requestId) {
    wallets.grant(
        new GrantCommand(account, asset, amount, GrantSource.PROMO, null, expiresAt, null, null, RequestId.of(requestId)));
  }
}
