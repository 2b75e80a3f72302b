package dev.obol.domain.service;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.EntryContext;
import dev.obol.domain.model.Wallet;
import dev.obol.domain.port.AccountStore;
import dev.obol.domain.port.AccountStore.LockMode;
import dev.obol.domain.port.LedgerReader;
import dev.obol.domain.port.Wallets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;

/**
 * Writes the EXPIRY entries of grants that expired. Spending never waits for it (expired grants are skipped anyway);
 * it keeps the ledger explaining the balance. Safe to run on several instances at once: each account is swept under
 * its lock, and a grant already swept has nothing left to expire.
 */
public final class ExpirySweeper {

  /** Accounts per batch: bounded so one run never holds a long transaction or a huge list. */
  public static final int BATCH_SIZE = 500;

  private final AccountStore store;
  private final LedgerReader reader;
  private final Clock clock;

  public ExpirySweeper(AccountStore store, LedgerReader reader, Clock clock) {
    this.store = store;
    this.reader = reader;
    this.clock = clock;
  }

  /** @return how many accounts were swept */
  public int sweep() {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    int swept = 0;
    List<AccountId> due;
    do {
      due = reader.accountsWithDueExpiries(now, BATCH_SIZE);
      for (AccountId accountId : due) {
        sweep(accountId, now);
        swept++;
      }
    } while (due.size() == BATCH_SIZE);
    return swept;
  }

  private void sweep(AccountId accountId, Instant now) {
    store.inTransaction(
        accountId,
        LockMode.EXISTING,
        session -> {
          expireDue(session, now);
          return null;
        });
  }

  private static void expireDue(Wallets wallets, Instant now) {
    for (Asset asset : Asset.values()) {
      Wallet wallet = wallets.loadWallet(asset, Set.of());
      wallet.expireDue(now, EntryContext.of(null, null, now));
      if (wallet.hasChanges()) {
        wallets.save(wallet);
      }
    }
  }
}
