package dev.obol.persistence;

import dev.obol.domain.model.UsageGrouping;
import dev.obol.domain.payment.PaymentKind;
import dev.obol.domain.port.SalesReader;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sales summary's aggregates in SQL, over every account, each one statement in its own short read. Periods are
 * UTC days or months, keyed as text by PostgreSQL itself ({@code to_char}), so Java and SQL never disagree on where a
 * period starts.
 *
 * <p>Where the figures come from: payments (one row per paid checkout or invoice; the pack's name is in its grant's
 * reason {@code token_pack:<name>}, an invoice's first-or-later in its quota grant's reason), {@code stripe_events}
 * (refunds and disputes Obol matched to a payment, by when Obol received them; a refund event carries the charge's
 * cumulative refunded amount, so its own amount is the step from the charge's previous event), {@code quota_periods}
 * (the months a subscription was paid for) and the debits (one row per debit or capture: the features), rolled up per
 * day by {@link #rollUp} so that a year is read from a few thousand rows.
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

  /**
   * Whole days of the window that the rollup holds are read from it; the rest (today, days not rolled up yet, a partial
   * first or last day) from the debits themselves, range by range through the BRIN index. Debits and captures are
   * both debits (one row per operation), so no DISTINCT is needed.
   */
  @Override
  public List<FeatureGroup> features(Instant from, Instant to, UsageGrouping grouping) {
    List<LocalDate> rolled =
        transactions.query(
            "SELECT day FROM sales_rolled_days WHERE day >= CAST(? AS date) AND day < CAST(? AS date) ORDER BY day",
            statement -> {
              statement.setObject(1, LocalDate.ofInstant(from, ZoneOffset.UTC));
              statement.setObject(2, LocalDate.ofInstant(to, ZoneOffset.UTC).plusDays(1));
            },
            rows -> {
              List<LocalDate> days = new ArrayList<>();
              while (rows.next()) {
                days.add(rows.getObject(1, LocalDate.class));
              }
              return days;
            });
    Map<String, long[]> sums = new TreeMap<>();
    List<LocalDate> inside = new ArrayList<>();
    for (LocalDate day : rolled) {
      if (!start(day).isBefore(from) && !start(day.plusDays(1)).isAfter(to)) {
        inside.add(day);
      }
    }
    if (!inside.isEmpty()) {
      String dayKey = grouping == null ? "''" : "to_char(day, '" + format(grouping) + "')";
      transactions.query(
          "SELECT " + dayKey + " AS key, feature, sum(debit_count) AS n, sum(debited) AS debited"
              + " FROM sales_daily_features WHERE asset = 'TOKEN' AND day = ANY (?) GROUP BY 1, 2",
          statement ->
              statement.setArray(
                  1, statement.getConnection().createArrayOf("date", inside.stream().map(java.sql.Date::valueOf).toArray())),
          rows -> add(sums, rows));
    }
    // The live ranges: [from, to) less the rolled days inside it.
    Instant cursor = from;
    List<Instant[]> live = new ArrayList<>();
    for (LocalDate day : inside) {
      if (cursor.isBefore(start(day))) {
        live.add(new Instant[] {cursor, start(day)});
      }
      cursor = start(day.plusDays(1));
    }
    if (cursor.isBefore(to)) {
      live.add(new Instant[] {cursor, to});
    }
    for (Instant[] range : live) {
      transactions.query(
          "SELECT " + key("created_at", grouping) + " AS key, coalesce(feature, '') AS feature, count(*) AS n,"
              + " sum(amount) AS debited FROM debits"
              + " WHERE asset = 'TOKEN' AND created_at >= ? AND created_at < ? GROUP BY 1, 2",
          statement -> window(statement, 1, range[0], range[1]),
          rows -> add(sums, rows));
    }
    List<FeatureGroup> groups = new ArrayList<>();
    sums.forEach(
        (composite, sum) -> {
          int split = composite.indexOf('\n');
          groups.add(new FeatureGroup(composite.substring(0, split), composite.substring(split + 1), sum[0], sum[1]));
        });
    return groups;
  }

  /**
   * Rolls up, from the debits, every day that ended at least {@link #ROLLUP_DELAY} before {@code now}: the last two
   * rolled days again (a debit's created_at is taken when its request starts and it commits moments later, so a day
   * is complete well within the delay; recomputing two days makes a straggler count anyway), then every day after.
   * One transaction, one scan of the debits' time range; idempotent, safe on several instances at once (the second
   * waits for the first's row locks and recomputes the same figures).
   *
   * @return how many days were rolled up
   */
  public int rollUp(Instant now) {
    LocalDate lastClosed = LocalDate.ofInstant(now.minus(ROLLUP_DELAY), ZoneOffset.UTC).minusDays(1);
    return transactions.inTransaction(
        "sales rollup",
        connection -> {
          LocalDate first;
          try (PreparedStatement statement =
                  connection.prepareStatement(
                      "SELECT (SELECT max(day) - 1 FROM sales_rolled_days),"
                          + " (SELECT (min(created_at) AT TIME ZONE 'UTC')::date FROM debits)");
              ResultSet rows = statement.executeQuery()) {
            rows.next();
            LocalDate again = rows.getObject(1, LocalDate.class);
            LocalDate oldest = rows.getObject(2, LocalDate.class);
            first = again != null ? again : oldest;
          }
          if (first == null || first.isAfter(lastClosed)) {
            return 0;
          }
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "DELETE FROM sales_daily_features WHERE day >= ? AND day <= ?;"
                      + " INSERT INTO sales_daily_features (day, asset, feature, debit_count, debited)"
                      + "   SELECT (created_at AT TIME ZONE 'UTC')::date, asset, coalesce(feature, ''), count(*), sum(amount)"
                      + "   FROM debits WHERE created_at >= ? AND created_at < ? GROUP BY 1, 2, 3;"
                      + " INSERT INTO sales_rolled_days (day, rolled_at)"
                      + "   SELECT d::date, now() FROM generate_series(CAST(? AS date), CAST(? AS date), interval '1 day') d"
                      + "   ON CONFLICT (day) DO UPDATE SET rolled_at = excluded.rolled_at")) {
            statement.setObject(1, first);
            statement.setObject(2, lastClosed);
            Jdbc.setInstant(statement, 3, start(first));
            Jdbc.setInstant(statement, 4, start(lastClosed.plusDays(1)));
            statement.setObject(5, first);
            statement.setObject(6, lastClosed);
            statement.execute();
          }
          return (int) (lastClosed.toEpochDay() - first.toEpochDay() + 1);
        });
  }

  /** How long after a UTC day ends it is rolled up. */
  public static final Duration ROLLUP_DELAY = Duration.ofMinutes(10);

  private static Instant start(LocalDate day) {
    return day.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  private static Void add(Map<String, long[]> sums, ResultSet rows) throws SQLException {
    while (rows.next()) {
      long[] sum = sums.computeIfAbsent(rows.getString("key") + "\n" + rows.getString("feature"), k -> new long[2]);
      sum[0] = Math.addExact(sum[0], rows.getLong("n"));
      sum[1] = Math.addExact(sum[1], rows.getLong("debited"));
    }
    return null;
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
