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
    /** (b) Each grant's own entries' amounts add up to its remaining amount. */
    GRANT_ENTRIES_MATCH_REMAINING,
    /**
     * (c) Each entry's balance-after is the running sum of the wallet's entries' available changes (amount less held
     * change) up to and including it, in entry-id order. A wallet's balance is the sum of all its grants' available
     * amounts (remaining less held), expired or not: an expired grant keeps counting until its EXPIRY entry is written
     * (by the sweeper or the next write), and that entry then lowers it. So the last entry's balance-after is the
     * wallet's balance.
     */
    BALANCE_AFTER_MATCHES_ENTRIES,
    /**
     * (d) The balance the read path answers ({@link LedgerReader#openGrants} live at {@code now}, as the service sums
     * it) equals the live grants' available sum recomputed from the stored rows.
     */
    READ_BALANCE_MATCHES_LIVE_GRANTS,
    /** (e) Each grant's own entries' held changes (HOLD +, CAPTURE and RELEASE −) add up to its held amount. */
    GRANT_ENTRIES_MATCH_HELD,
    /** (f) Each grant's held amount is what the open holds on it reserve: no hold is lost, none counted twice. */
    HELD_MATCHES_OPEN_HOLDS
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

    public static Violation ofHeld(String grantId, long held, long entriesHeldSum) {
      return new Violation(Check.GRANT_ENTRIES_MATCH_HELD, grantId, held, entriesHeldSum);
    }

    public static Violation ofOpenHolds(String grantId, long held, long openHoldsSum) {
      return new Violation(Check.HELD_MATCHES_OPEN_HOLDS, grantId, held, openHoldsSum);
    }
  }

  /**
   * What an audit recomputed for one wallet.
   *
   * @param entriesSum the entries' amounts, summed (what {@code remainingSum} must be)
   * @param liveRemainingSum the available amounts (remaining less held) of the grants live at the audit's time, summed
   *     from the rows
   * @param readBalance the balance the read path answers at the audit's time
   * @param heldSum what the grants hold for open holds, live or expired
   */
  record WalletSums(
      long entryCount,
      long entriesSum,
      long remainingSum,
      long lastBalanceAfter,
      long liveRemainingSum,
      long readBalance,
      long heldSum) {

    public static final WalletSums EMPTY = new WalletSums(0, 0, 0, 0, 0, 0, 0);

    /** The sums of a wallet nothing is held in. */
    public WalletSums(
        long entryCount,
        long entriesSum,
        long remainingSum,
        long lastBalanceAfter,
        long liveRemainingSum,
        long readBalance) {
      this(entryCount, entriesSum, remainingSum, lastBalanceAfter, liveRemainingSum, readBalance, 0);
    }

    public WalletSums withReadBalance(long balance) {
      return new WalletSums(
          entryCount, entriesSum, remainingSum, lastBalanceAfter, liveRemainingSum, balance, heldSum);
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
      return sums.remainingSum() - sums.heldSum() - sums.liveRemainingSum();
    }

    public List<Violation> violationsOf(Check check) {
      return violations.stream().filter(v -> v.check() == check).toList();
    }
  }
}
