package dev.obol.persistence;

import dev.obol.domain.model.UsageGrouping;
import dev.obol.domain.payment.PaymentKind;
import dev.obol.domain.port.SalesReader;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sales summary's aggregates in SQL, over every account, each one statement in its own short read. Periods are
 * UTC days or months, keyed as text by PostgreSQL itself ({@code to_char}), so Java and SQL never disagree on where a
 * period starts.
 *
 * <p>Where the figures come from: payments (one row per paid checkout or invoice; the pack's name is in its grant's
 * reason {@code token_pack:<name>}, an invoice's first-or-later in its quota grant's reason), {@code stripe_events}
 * (refunds and disputes Obol matched to a payment, by when Obol received them; a refund event carries the charge's
 * cumulative refunded amount, so its own amount is the step from the charge's previous event), {@code quota_periods}
 * (the months a subscription was paid for) and the ledger's DEBIT and CAPTURE entries (the features).
 */
public final class PostgresSalesReader implements SalesReader {

  /** Outcomes of a refund or dispute event that matched an Obol payment (others were ignored). */
  private static final String MATCHED = "('CLAWED_BACK', 'NOTHING_TO_CLAW_BACK')";

  private final Transactions transactions;

  public PostgresSalesReader(Transactions transactions) {
    this.transactions = transactions;
  }

  @Override
  public List<PaymentGroup> payments(Instant from, Instant to, UsageGrouping grouping) {
    String sql =
        "SELECT " + key("p.created_at", grouping) + " AS key, p.kind,"
            + " CASE WHEN p.kind = 'TOKEN_PACK' AND g.reason LIKE 'token_pack:%' THEN substring(g.reason from 12)"
            + "      WHEN p.kind = 'SUBSCRIPTION_INVOICE' THEN"
            + "        CASE WHEN g.reason = 'subscription_initial' THEN 'new' ELSE 'renewed' END END AS label,"
            + " count(*) AS n, coalesce(sum(p.paid_amount), 0) AS cents"
            + " FROM payments p LEFT JOIN grants g ON g.account_id = p.account_id AND g.grant_id = p.grant_id"
            + " WHERE p.created_at >= ? AND p.created_at < ? GROUP BY 1, 2, 3";
    return transactions.query(
        sql,
        statement -> window(statement, 1, from, to),
        rows -> {
          List<PaymentGroup> groups = new ArrayList<>();
          while (rows.next()) {
            groups.add(
                new PaymentGroup(
                    rows.getString("key"),
                    PaymentKind.valueOf(rows.getString("kind")),
                    rows.getString("label"),
                    rows.getLong("n"),
                    rows.getLong("cents")));
          }
          return groups;
        });
  }

  @Override
  public Map<String, Long> payingAccounts(Instant from, Instant to, UsageGrouping grouping) {
    return counts(
        "SELECT " + key("created_at", grouping) + " AS key, count(DISTINCT account_id) FROM payments"
            + " WHERE created_at >= ? AND created_at < ? AND paid_amount > 0 GROUP BY 1",
        statement -> window(statement, 1, from, to));
  }

  @Override
  public List<ReversalGroup> reversals(Instant from, Instant to, UsageGrouping grouping) {
    String sql =
        "WITH refunds AS ("
            + "   SELECT received_at, payload::jsonb #>> '{data,object,id}' AS charge,"
            + "          (payload::jsonb #>> '{data,object,amount_refunded}')::bigint AS cumulative"
            + "   FROM stripe_events WHERE type = 'charge.refunded' AND outcome IN " + MATCHED
            + "   AND received_at < ?),"
            + " steps AS ("
            + "   SELECT received_at, cumulative - coalesce(lag(cumulative) OVER"
            + "          (PARTITION BY charge ORDER BY received_at), 0) AS cents FROM refunds)"
            + " SELECT " + key("received_at", grouping) + " AS key, false AS dispute,"
            + "   count(*) FILTER (WHERE cents > 0) AS n, coalesce(sum(greatest(cents, 0)), 0) AS cents"
            + " FROM steps WHERE received_at >= ? GROUP BY 1"
            + " UNION ALL"
            + " SELECT " + key("received_at", grouping) + " AS key, true AS dispute, count(*) AS n,"
            + "   coalesce(sum((payload::jsonb #>> '{data,object,amount}')::bigint), 0) AS cents"
            + " FROM stripe_events WHERE type = 'charge.dispute.created' AND outcome IN " + MATCHED
            + "   AND received_at >= ? AND received_at < ? GROUP BY 1";
    return transactions.query(
        sql,
        statement -> {
          Jdbc.setInstant(statement, 1, to);
          Jdbc.setInstant(statement, 2, from);
          window(statement, 3, from, to);
        },
        rows -> {
          List<ReversalGroup> groups = new ArrayList<>();
          while (rows.next()) {
            if (rows.getLong("n") > 0) {
              groups.add(
                  new ReversalGroup(
                      rows.getString("key"), rows.getBoolean("dispute"), rows.getLong("n"), rows.getLong("cents")));
            }
          }
          return groups;
        });
  }

  @Override
  public Map<String, Long> activeSubscribers(Instant from, Instant to, UsageGrouping grouping) {
    if (grouping == null) {
      return counts(
          "SELECT '' AS key, count(DISTINCT account_id) FROM quota_periods WHERE period_start < ? AND period_end > ?",
          statement -> {
            Jdbc.setInstant(statement, 1, to);
            Jdbc.setInstant(statement, 2, from);
          });
    }
    String unit = grouping == UsageGrouping.DAY ? "day" : "month";
    // Each period of the window as [start, end) in UTC, clamped to the window; a subscriber is one with a paid monthly
    // period overlapping it.
    String sql =
        "WITH buckets AS ("
            + "   SELECT b AT TIME ZONE 'UTC' AS start, (b + interval '1 " + unit + "') AT TIME ZONE 'UTC' AS finish,"
            + "          to_char(b, '" + format(grouping) + "') AS key"
            + "   FROM generate_series(date_trunc('" + unit + "', CAST(? AS timestamptz) AT TIME ZONE 'UTC'),"
            + "                        CAST(? AS timestamptz) AT TIME ZONE 'UTC' - interval '1 microsecond',"
            + "                        interval '1 " + unit + "') AS b)"
            + " SELECT k.key, count(DISTINCT q.account_id) FROM buckets k"
            + " JOIN quota_periods q ON q.period_start < least(k.finish, ?) AND q.period_end > greatest(k.start, ?)"
            + " GROUP BY 1";
    return counts(
        sql,
        statement -> {
          window(statement, 1, from, to);
          Jdbc.setInstant(statement, 3, to);
          Jdbc.setInstant(statement, 4, from);
        });
  }

  @Override
  public List<FeatureGroup> features(Instant from, Instant to, UsageGrouping grouping) {
    String sql =
        "SELECT " + key("created_at", grouping) + " AS key, coalesce(feature, '') AS feature,"
            + " count(DISTINCT operation_id) AS n, -sum(amount) AS debited FROM ledger_entries"
            + " WHERE kind IN ('DEBIT', 'CAPTURE') AND asset = 'TOKEN' AND created_at >= ? AND created_at < ?"
            + " GROUP BY 1, 2";
    return transactions.query(
        sql,
        statement -> window(statement, 1, from, to),
        rows -> {
          List<FeatureGroup> groups = new ArrayList<>();
          while (rows.next()) {
            groups.add(
                new FeatureGroup(
                    rows.getString("key"), rows.getString("feature"), rows.getLong("n"), rows.getLong("debited")));
          }
          return groups;
        });
  }

  private Map<String, Long> counts(String sql, Transactions.Binder binder) {
    return transactions.query(
        sql,
        binder,
        rows -> {
          Map<String, Long> counts = new LinkedHashMap<>();
          while (rows.next()) {
            counts.put(rows.getString(1), rows.getLong(2));
          }
          return counts;
        });
  }

  /** The period key of a timestamptz column, as text; '' for the whole window. */
  private static String key(String column, UsageGrouping grouping) {
    return grouping == null ? "''" : "to_char(" + column + " AT TIME ZONE 'UTC', '" + format(grouping) + "')";
  }

  private static String format(UsageGrouping grouping) {
    return grouping == UsageGrouping.DAY ? "YYYY-MM-DD" : "YYYY-MM";
  }

  private static void window(PreparedStatement statement, int first, Instant from, Instant to) throws SQLException {
    Jdbc.setInstant(statement, first, from);
    Jdbc.setInstant(statement, first + 1, to);
  }
}
