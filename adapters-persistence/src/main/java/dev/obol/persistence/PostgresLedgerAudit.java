package dev.obol.persistence;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.Wallet;
import dev.obol.domain.port.LedgerAudit;
import dev.obol.domain.port.LedgerReader;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ledger invariant recomputed in SQL from the rows, and compared with what the write path stored (remaining
 * amounts, balance-after) and what the read path answers ({@link LedgerReader#openGrants}).
 *
 * <p>Each query is a short read of its own, so an audit taken while writes go on may see them half-way; run it on a
 * quiet database (tests, an operator's check) or read a report that fails twice before believing it.
 */
public final class PostgresLedgerAudit implements LedgerAudit {

  /** Per wallet: entries, their sum and the last balance-after; grants' remaining, all and live at {@code ?}. */
  private static final String SUMS_SQL =
      """
      WITH wallets AS (
          SELECT account_id, asset FROM grants
          UNION SELECT account_id, asset FROM ledger_entries),
      entry_sums AS (
          SELECT account_id, asset, sum(amount) AS entries_sum, count(*) AS entry_count
          FROM ledger_entries GROUP BY account_id, asset),
      last_entries AS (
          SELECT DISTINCT ON (account_id, asset) account_id, asset, balance_after
          FROM ledger_entries ORDER BY account_id, asset, entry_id DESC),
      grant_sums AS (
          SELECT account_id, asset, sum(remaining) AS remaining_sum, sum(held) AS held_sum,
                 coalesce(sum(remaining - held) FILTER (WHERE expires_at IS NULL OR expires_at > ?), 0) AS live_sum
          FROM grants GROUP BY account_id, asset)
      SELECT w.account_id, w.asset,
             coalesce(es.entry_count, 0) AS entry_count, coalesce(es.entries_sum, 0) AS entries_sum,
             coalesce(gs.remaining_sum, 0) AS remaining_sum, coalesce(le.balance_after, 0) AS last_balance_after,
             coalesce(gs.live_sum, 0) AS live_sum, coalesce(gs.held_sum, 0) AS held_sum
      FROM wallets w
      LEFT JOIN entry_sums es ON es.account_id = w.account_id AND es.asset = w.asset
      LEFT JOIN last_entries le ON le.account_id = w.account_id AND le.asset = w.asset
      LEFT JOIN grant_sums gs ON gs.account_id = w.account_id AND gs.asset = w.asset
      WHERE (CAST(? AS text) IS NULL OR (w.account_id = ? AND w.asset = ?))
      ORDER BY w.account_id, w.asset
      """;

  /** (b) Grants whose own entries do not add up to their remaining amount. */
  private static final String GRANTS_OUT_OF_LINE_SQL =
      """
      SELECT g.account_id, g.asset, g.grant_id, g.remaining, coalesce(e.entries_sum, 0) AS entries_sum
      FROM grants g
      LEFT JOIN (SELECT account_id, grant_id, sum(amount) AS entries_sum
                 FROM ledger_entries GROUP BY account_id, grant_id) e
             ON e.account_id = g.account_id AND e.grant_id = g.grant_id
      WHERE coalesce(e.entries_sum, 0) <> g.remaining
        AND (CAST(? AS text) IS NULL OR (g.account_id = ? AND g.asset = ?))
      ORDER BY g.account_id, g.asset, g.grant_id
      """;

  /** (e) Grants whose own entries' held changes do not add up to their held amount. */
  private static final String HELD_OUT_OF_LINE_SQL =
      """
      SELECT g.account_id, g.asset, g.grant_id, g.held, coalesce(e.held_sum, 0) AS held_sum
      FROM grants g
      LEFT JOIN (SELECT account_id, grant_id, sum(held_change) AS held_sum
                 FROM ledger_entries GROUP BY account_id, grant_id) e
             ON e.account_id = g.account_id AND e.grant_id = g.grant_id
      WHERE coalesce(e.held_sum, 0) <> g.held
        AND (CAST(? AS text) IS NULL OR (g.account_id = ? AND g.asset = ?))
      ORDER BY g.account_id, g.asset, g.grant_id
      """;

  /** (f) Grants whose held amount is not what the open holds on them reserve. */
  private static final String OPEN_HOLDS_OUT_OF_LINE_SQL =
      """
      SELECT g.account_id, g.asset, g.grant_id, g.held, coalesce(h.open_sum, 0) AS open_sum
      FROM grants g
      LEFT JOIN (SELECT r.account_id, a."grantId" AS grant_id, sum(a.amount) AS open_sum
                 FROM reservations r,
                      jsonb_to_recordset(r.allocations) AS a ("grantId" text, amount bigint)
                 WHERE r.status = 'OPEN'
                 GROUP BY r.account_id, a."grantId") h
             ON h.account_id = g.account_id AND h.grant_id = g.grant_id
      WHERE coalesce(h.open_sum, 0) <> g.held
        AND (CAST(? AS text) IS NULL OR (g.account_id = ? AND g.asset = ?))
      ORDER BY g.account_id, g.asset, g.grant_id
      """;

  /** (c) Entries whose balance-after is not the running sum of their wallet's entries' available changes. */
  private static final String ENTRIES_OUT_OF_LINE_SQL =
      """
      SELECT account_id, asset, entry_id, balance_after, running_sum
      FROM (SELECT account_id, asset, entry_id, balance_after,
                   sum(amount - held_change) OVER (PARTITION BY account_id, asset ORDER BY entry_id) AS running_sum
            FROM ledger_entries
            WHERE (CAST(? AS text) IS NULL OR (account_id = ? AND asset = ?))) running
      WHERE running_sum <> balance_after
      ORDER BY account_id, asset, entry_id
      """;

  private final Transactions transactions;
  private final LedgerReader readPath;

  /** @param readPath what the service reads balances through; its answers are compared with the rows */
  public PostgresLedgerAudit(Transactions transactions, LedgerReader readPath) {
    this.transactions = transactions;
    this.readPath = readPath;
  }

  @Override
  public InvariantReport check(AccountId accountId, Asset asset, Instant now) {
    List<InvariantReport> reports = audit(new WalletKey(accountId, asset), now);
    return reports.isEmpty() ? InvariantReport.empty(accountId, asset) : reports.get(0);
  }

  @Override
  public List<InvariantReport> checkAll(Instant now) {
    return audit(null, now);
  }

  /** @param only one wallet, or null for all */
  private List<InvariantReport> audit(WalletKey only, Instant now) {
    Map<WalletKey, List<Violation>> rowViolations = new LinkedHashMap<>();
    transactions.query(
        GRANTS_OUT_OF_LINE_SQL,
        statement -> bindWallet(statement, 1, only),
        rows -> {
          while (rows.next()) {
            add(rowViolations, key(rows.getString("account_id"), rows.getString("asset")),
                Violation.ofGrant(rows.getString("grant_id"), rows.getLong("remaining"), rows.getLong("entries_sum")));
          }
          return null;
        });
    transactions.query(
        HELD_OUT_OF_LINE_SQL,
        statement -> bindWallet(statement, 1, only),
        rows -> {
          while (rows.next()) {
            add(rowViolations, key(rows.getString("account_id"), rows.getString("asset")),
                Violation.ofHeld(rows.getString("grant_id"), rows.getLong("held"), rows.getLong("held_sum")));
          }
          return null;
        });
    transactions.query(
        OPEN_HOLDS_OUT_OF_LINE_SQL,
        statement -> bindWallet(statement, 1, only),
        rows -> {
          while (rows.next()) {
            add(rowViolations, key(rows.getString("account_id"), rows.getString("asset")),
                Violation.ofOpenHolds(rows.getString("grant_id"), rows.getLong("held"), rows.getLong("open_sum")));
          }
          return null;
        });
    transactions.query(
        ENTRIES_OUT_OF_LINE_SQL,
        statement -> bindWallet(statement, 1, only),
        rows -> {
          while (rows.next()) {
            add(rowViolations, key(rows.getString("account_id"), rows.getString("asset")),
                Violation.ofEntry(rows.getLong("entry_id"), rows.getLong("running_sum"), rows.getLong("balance_after")));
          }
          return null;
        });
    Map<WalletKey, WalletSums> sums =
        transactions.query(
            SUMS_SQL,
            statement -> {
              Jdbc.setInstant(statement, 1, now);
              bindWallet(statement, 2, only);
            },
            rows -> {
              Map<WalletKey, WalletSums> byWallet = new LinkedHashMap<>();
              while (rows.next()) {
                byWallet.put(
                    key(rows.getString("account_id"), rows.getString("asset")),
                    new WalletSums(
                        rows.getLong("entry_count"),
                        rows.getLong("entries_sum"),
                        rows.getLong("remaining_sum"),
                        rows.getLong("last_balance_after"),
                        rows.getLong("live_sum"),
                        0,
                        rows.getLong("held_sum")));
              }
              return byWallet;
            });
    List<InvariantReport> reports = new ArrayList<>();
    sums.forEach(
        (wallet, stored) -> {
          reports.add(
              InvariantReport.of(
                  wallet.accountId(),
                  wallet.asset(),
                  stored.withReadBalance(readBalance(wallet, now)),
                  rowViolations.getOrDefault(wallet, List.of())));
        });
    return reports;
  }

  /** The balance as the service answers it: the open grants the reader returns, summed where live at {@code now}. */
  private long readBalance(WalletKey wallet, Instant now) {
    return new Wallet(wallet.accountId(), wallet.asset(), readPath.openGrants(wallet.accountId(), wallet.asset()))
        .liveBalanceAt(now);
  }

  private static void bindWallet(PreparedStatement statement, int first, WalletKey only)
      throws SQLException {
    statement.setString(first, only == null ? null : only.accountId().value());
    statement.setString(first + 1, only == null ? null : only.accountId().value());
    statement.setString(first + 2, only == null ? null : only.asset().name());
  }

  private static void add(Map<WalletKey, List<Violation>> violations, WalletKey wallet, Violation violation) {
    List<Violation> list = violations.computeIfAbsent(wallet, w -> new ArrayList<>());
    if (list.stream().filter(v -> v.check() == violation.check()).count() < VIOLATIONS_MAX) {
      list.add(violation);
    }
  }

  private static WalletKey key(String accountId, String asset) {
    return new WalletKey(AccountId.of(accountId), Asset.valueOf(asset));
  }

  private record WalletKey(AccountId accountId, Asset asset) {}
}
