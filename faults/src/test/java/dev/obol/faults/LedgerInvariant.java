package dev.obol.faults;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The ledger invariant, recomputed in SQL from the rows (the checks of {@code PostgresLedgerAudit}, which needs a
 * Micronaut context this test does not have): per wallet, the sum of its entries, the last balance-after and the
 * remaining amounts of its live grants agree; per grant, its entries add up to its remaining amount; every entry's
 * balance-after is the running sum of its wallet's entries.
 */
final class LedgerInvariant {

  private static final String WALLETS_SQL =
      """
      WITH wallets AS (
          SELECT account_id, asset FROM grants UNION SELECT account_id, asset FROM ledger_entries),
      entry_sums AS (
          SELECT account_id, asset, sum(amount) AS entries_sum FROM ledger_entries GROUP BY account_id, asset),
      last_entries AS (
          SELECT DISTINCT ON (account_id, asset) account_id, asset, balance_after
          FROM ledger_entries ORDER BY account_id, asset, entry_id DESC),
      live_sums AS (
          SELECT account_id, asset, sum(remaining) AS live_sum FROM grants
          WHERE expires_at IS NULL OR expires_at > now() GROUP BY account_id, asset)
      SELECT w.account_id, w.asset, coalesce(es.entries_sum, 0), coalesce(le.balance_after, 0),
             coalesce(ls.live_sum, 0)
      FROM wallets w
      LEFT JOIN entry_sums es USING (account_id, asset)
      LEFT JOIN last_entries le USING (account_id, asset)
      LEFT JOIN live_sums ls USING (account_id, asset)
      WHERE coalesce(es.entries_sum, 0) <> coalesce(le.balance_after, 0)
         OR coalesce(es.entries_sum, 0) <> coalesce(ls.live_sum, 0)
      ORDER BY 1, 2
      """;

  private static final String GRANTS_SQL =
      """
      SELECT g.account_id, g.grant_id, g.remaining, coalesce(e.entries_sum, 0)
      FROM grants g
      LEFT JOIN (SELECT account_id, grant_id, sum(amount) AS entries_sum
                 FROM ledger_entries GROUP BY account_id, grant_id) e USING (account_id, grant_id)
      WHERE coalesce(e.entries_sum, 0) <> g.remaining
      ORDER BY 1, 2
      """;

  private static final String RUNNING_SQL =
      """
      SELECT account_id, asset, entry_id, balance_after, running_sum
      FROM (SELECT account_id, asset, entry_id, balance_after,
                   sum(amount) OVER (PARTITION BY account_id, asset ORDER BY entry_id) AS running_sum
            FROM ledger_entries) running
      WHERE running_sum <> balance_after
      ORDER BY 1, 2, 3
      """;

  private LedgerInvariant() {}

  static List<String> violations(Connection db) throws SQLException {
    List<String> violations = new ArrayList<>();
    try (Statement sql = db.createStatement()) {
      try (ResultSet rows = sql.executeQuery(WALLETS_SQL)) {
        while (rows.next()) {
          violations.add("invariant: wallet " + rows.getString(1) + "/" + rows.getString(2) + " entries sum "
              + rows.getLong(3) + ", last balance_after " + rows.getLong(4) + ", live grants' remaining "
              + rows.getLong(5));
        }
      }
      try (ResultSet rows = sql.executeQuery(GRANTS_SQL)) {
        while (rows.next()) {
          violations.add("invariant: grant " + rows.getString(1) + "/" + rows.getString(2) + " remaining "
              + rows.getLong(3) + " but its entries sum to " + rows.getLong(4));
        }
      }
      try (ResultSet rows = sql.executeQuery(RUNNING_SQL)) {
        while (rows.next()) {
          violations.add("invariant: entry " + rows.getString(1) + "/" + rows.getString(2) + "#" + rows.getLong(3)
              + " balance_after " + rows.getLong(4) + " but the running sum is " + rows.getLong(5));
        }
      }
    }
    return violations;
  }
}
