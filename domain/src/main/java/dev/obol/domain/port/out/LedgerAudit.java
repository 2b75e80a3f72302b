package dev.obol.domain.port.out;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import java.time.Instant;
import java.util.List;

/** Checks the ledger invariant from what is stored (used by tests and operators). */
public interface LedgerAudit {

  InvariantReport check(AccountId accountId, Asset asset, Instant now);

  /** One report per wallet that has a grant or an entry. */
  List<InvariantReport> checkAll(Instant now);

  /**
   * The invariant: for each wallet, the sum of its entries equals the sum of its grants' remaining amounts, each grant's
   * own entries add up to its remaining amount, the last entry's balance-after equals that sum, and the live balance is
   * that sum less what expired but was not swept yet.
   */
  record InvariantReport(
      AccountId accountId,
      Asset asset,
      long entriesSum,
      long remainingSum,
      long lastBalanceAfter,
      long entryCount,
      long liveBalance,
      long expiredUnswept,
      long grantsOutOfLine) {

    public boolean holds() {
      return entriesSum == remainingSum
          && (entryCount == 0 || lastBalanceAfter == entriesSum)
          && grantsOutOfLine == 0
          && liveBalance + expiredUnswept == remainingSum;
    }
  }
}
