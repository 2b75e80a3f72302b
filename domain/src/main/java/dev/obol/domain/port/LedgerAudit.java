package dev.obol.domain.port;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the ledger invariant from what is stored (used by tests and operators). Each check recomputes from the rows
 * something the write path or the read path also keeps, so a bug in either (or a row changed behind Obol's back) shows
 * up as a {@link Violation} naming the wallet, grant or entry and the check.
 */
public interface LedgerAudit {

  /** A report for one wallet; an empty wallet (no grant, no entry) holds. */
  InvariantReport check(AccountId accountId, Asset asset, Instant now);

  /** One report per wallet that has a grant or an entry, ordered by account id then asset. */
  List<InvariantReport> checkAll(Instant now);

  /** The most violations of one kind (per grant, per entry) a report lists for one wallet. */
  int VIOLATIONS_MAX = 100;

  enum Check {
    /** (a) The wallet's entries add up to the sum of its grants' remaining amounts. */
    WALLET_ENTRIES_MATCH_GRANTS,
    /** (b) Each grant's own entries add up to its remaining amount. */
    GRANT_ENTRIES_MATCH_REMAINING,
    /**
     * (c) Each entry's balance-after is the running sum of the wallet's entries up to and including it, in entry-id
     * order. A wallet's balance is the sum of all its grants' remaining amounts, expired or not: an expired grant keeps
     * counting until its EXPIRY entry is written (by the sweeper or the next write), and that entry then lowers it.
     * So the last entry's balance-after is the wallet's balance.
     */
    BALANCE_AFTER_MATCHES_ENTRIES,
    /**
     * (d) The balance the read path answers ({@link LedgerReader#openGrants} live at {@code now}, as the service sums
     * it) equals the live grants' remaining sum recomputed from the stored rows.
     */
    READ_BALANCE_MATCHES_LIVE_GRANTS
  }

  /**
   * One check that failed.
   *
   * @param subject what it failed for: {@code "wallet"}, a grant id, or {@code "entry <id>"}
   * @param expected what the rows say it should be
   * @param actual what was found
   */
  record Violation(Check check, String subject, long expected, long actual) {

    public static final String WALLET = "wallet";

    public static Violation ofEntry(long entryId, long runningSum, long balanceAfter) {
      return new Violation(Check.BALANCE_AFTER_MATCHES_ENTRIES, "entry " + entryId, runningSum, balanceAfter);
    }

    public static Violation ofGrant(String grantId, long remaining, long entriesSum) {
      return new Violation(Check.GRANT_ENTRIES_MATCH_REMAINING, grantId, remaining, entriesSum);
    }
  }

  /**
   * What an audit recomputed for one wallet.
   *
   * @param liveRemainingSum the remaining amounts of the grants live at the audit's time, summed from the rows
   * @param readBalance the balance the read path answers at the audit's time
   */
  record WalletSums(
      long entryCount,
      long entriesSum,
      long remainingSum,
      long lastBalanceAfter,
      long liveRemainingSum,
      long readBalance) {

    public static final WalletSums EMPTY = new WalletSums(0, 0, 0, 0, 0, 0);

    public WalletSums withReadBalance(long balance) {
      return new WalletSums(entryCount, entriesSum, remainingSum, lastBalanceAfter, liveRemainingSum, balance);
    }
  }

  record InvariantReport(AccountId accountId, Asset asset, WalletSums sums, List<Violation> violations) {

    public InvariantReport {
      violations = List.copyOf(violations);
    }

    /**
     * The report of a wallet, with the wallet-wide checks made on {@code sums} added to the per-grant and per-entry
     * violations the audit found in the rows.
     */
    public static InvariantReport of(
        AccountId accountId, Asset asset, WalletSums sums, List<Violation> rowViolations) {
      List<Violation> violations = new ArrayList<>();
      if (sums.entriesSum() != sums.remainingSum()) {
        violations.add(
            new Violation(Check.WALLET_ENTRIES_MATCH_GRANTS, Violation.WALLET, sums.remainingSum(), sums.entriesSum()));
      }
      violations.addAll(rowViolations);
      if (sums.readBalance() != sums.liveRemainingSum()) {
        violations.add(
            new Violation(
                Check.READ_BALANCE_MATCHES_LIVE_GRANTS, Violation.WALLET, sums.liveRemainingSum(), sums.readBalance()));
      }
      return new InvariantReport(accountId, asset, sums, violations);
    }

    public static InvariantReport empty(AccountId accountId, Asset asset) {
      return new InvariantReport(accountId, asset, WalletSums.EMPTY, List.of());
    }

    public boolean holds() {
      return violations.isEmpty();
    }

    /** What expired but has no EXPIRY entry yet: counted in the balance, not in the live balance. */
    public long expiredUnswept() {
      return sums.remainingSum() - sums.liveRemainingSum();
    }

    public List<Violation> violationsOf(Check check) {
      return violations.stream().filter(v -> v.check() == check).toList();
    }
  }
}
