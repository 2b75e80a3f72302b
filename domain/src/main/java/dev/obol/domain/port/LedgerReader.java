package dev.obol.domain.port;

import dev.obol.domain.model.Account;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.Grant;
import dev.obol.domain.model.RecordedEntry;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Reads outside any account lock (committed data only). */
public interface LedgerReader {

  Optional<Account> findAccount(AccountId accountId);

  /** Grants with something remaining, expired or not. */
  List<Grant> openGrants(AccountId accountId, Asset asset);

  /** An account and one wallet's open grants, as {@code Check} reads them (empty: no such account). */
  record AccountWallet(Account account, List<Grant> openGrants) {
    public AccountWallet {
      openGrants = List.copyOf(openGrants);
    }
  }

  /**
   * {@link #findAccount} and {@link #openGrants} together; a store may read both in one round trip (the read-only gate
   * is called as often as debits are).
   */
  default Optional<AccountWallet> accountWallet(AccountId accountId, Asset asset) {
    return findAccount(accountId).map(account -> new AccountWallet(account, openGrants(accountId, asset)));
  }

  /**
   * Newest first, entry ids below {@code beforeEntryId}.
   *
   * @param asset null: every asset
   * @param feature null: every feature
   */
  List<RecordedEntry> entries(AccountId accountId, Asset asset, String feature, long beforeEntryId, int limit);

  /** Accounts holding a grant that expired by {@code now} with something remaining (the sweeper's work list). */
  List<AccountId> accountsWithDueExpiries(Instant now, int limit);

  /** Open holds whose {@code expiresAt} is at or before {@code now} (the hold sweeper's work list), oldest first. */
  List<DueReservation> reservationsDue(Instant now, int limit);

  record DueReservation(AccountId accountId, String reservationId) {}
}
