package dev.obol.persistence;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.payment.AutoRecharge;
import dev.obol.domain.payment.RechargeAttempt;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The auto-recharge tables (V11__auto_recharge.sql) in hand-written JDBC: the settings row is read in the account's
 * lock statement (a debit pays nothing for it), so it shares that statement's columns.
 */
final class AutoRechargeRows {

  private AutoRechargeRows() {}

  /** The settings' columns, prefixed for the lock statement's LEFT JOIN (all null when none is configured). */
  static final String JOINED_COLUMNS =
      "r.asset AS r_asset, r.threshold AS r_threshold, r.pack AS r_pack, r.grant_amount AS r_grant_amount,"
          + " r.price_amount AS r_price_amount, r.currency AS r_currency, r.monthly_limit AS r_monthly_limit,"
          + " r.enabled AS r_enabled, r.last_sequence AS r_last_sequence, r.pending_sequence AS r_pending_sequence,"
          + " r.failures_in_row AS r_failures_in_row, r.retry_after AS r_retry_after, r.month AS r_month,"
          + " r.month_count AS r_month_count, r.disabled_reason AS r_disabled_reason, r.updated_at AS r_updated_at";

  static Optional<AutoRecharge> joined(ResultSet rows, AccountId accountId) throws SQLException {
    String asset = rows.getString("r_asset");
    if (asset == null) {
      return Optional.empty();
    }
    return Optional.of(
        new AutoRecharge(
            accountId,
            Asset.valueOf(asset),
            rows.getLong("r_threshold"),
            rows.getString("r_pack"),
            rows.getLong("r_grant_amount"),
            rows.getLong("r_price_amount"),
            rows.getString("r_currency"),
            rows.getInt("r_monthly_limit"),
            rows.getBoolean("r_enabled"),
            rows.getLong("r_last_sequence"),
            rows.getLong("r_pending_sequence"),
            rows.getInt("r_failures_in_row"),
            Jdbc.getInstant(rows, "r_retry_after"),
            YearMonth.parse(rows.getString("r_month")),
            rows.getInt("r_month_count"),
            rows.getString("r_disabled_reason"),
            Jdbc.getInstant(rows, "r_updated_at")));
  }

  static final String UPSERT_SQL =
      "INSERT INTO auto_recharges (account_id, asset, threshold, pack, grant_amount, price_amount, currency,"
          + " monthly_limit, enabled, last_sequence, pending_sequence, failures_in_row, retry_after, month,"
          + " month_count, disabled_reason, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (account_id) DO UPDATE SET asset = EXCLUDED.asset, threshold = EXCLUDED.threshold,"
          + " pack = EXCLUDED.pack, grant_amount = EXCLUDED.grant_amount, price_amount = EXCLUDED.price_amount,"
          + " currency = EXCLUDED.currency, monthly_limit = EXCLUDED.monthly_limit, enabled = EXCLUDED.enabled,"
          + " last_sequence = EXCLUDED.last_sequence, pending_sequence = EXCLUDED.pending_sequence,"
          + " failures_in_row = EXCLUDED.failures_in_row, retry_after = EXCLUDED.retry_after,"
          + " month = EXCLUDED.month, month_count = EXCLUDED.month_count,"
          + " disabled_reason = EXCLUDED.disabled_reason, updated_at = EXCLUDED.updated_at";

  static void bindUpsert(PreparedStatement statement, AutoRecharge r) throws SQLException {
    int i = 1;
    statement.setString(i++, r.accountId().value());
    statement.setString(i++, r.asset().name());
    statement.setLong(i++, r.threshold());
    statement.setString(i++, r.pack());
    statement.setLong(i++, r.grantAmount());
    statement.setLong(i++, r.priceCents());
    statement.setString(i++, r.currency());
    statement.setInt(i++, r.monthlyLimit());
    statement.setBoolean(i++, r.enabled());
    statement.setLong(i++, r.lastSequence());
    statement.setLong(i++, r.pendingSequence());
    statement.setInt(i++, r.failuresInRow());
    Jdbc.setInstant(statement, i++, r.retryAfter());
    statement.setString(i++, r.month().toString());
    statement.setInt(i++, r.monthCount());
    statement.setString(i++, r.disabledReason());
    Jdbc.setInstant(statement, i, r.updatedAt());
  }

  static final String ATTEMPT_COLUMNS =
      "SELECT account_id, sequence, asset, pack, grant_amount, price_amount, currency, status, payment_intent_id,"
          + " error, tries, created_at, updated_at FROM auto_recharge_attempts";

  static RechargeAttempt attempt(ResultSet rows) throws SQLException {
    return new RechargeAttempt(
        AccountId.of(rows.getString("account_id")),
        rows.getLong("sequence"),
        Asset.valueOf(rows.getString("asset")),
        rows.getString("pack"),
        rows.getLong("grant_amount"),
        rows.getLong("price_amount"),
        rows.getString("currency"),
        RechargeAttempt.Status.valueOf(rows.getString("status")),
        rows.getString("payment_intent_id"),
        rows.getString("error"),
        rows.getInt("tries"),
        Jdbc.getInstant(rows, "created_at"),
        Jdbc.getInstant(rows, "updated_at"));
  }

  static final String INSERT_ATTEMPT_SQL =
      "INSERT INTO auto_recharge_attempts (account_id, sequence, asset, pack, grant_amount, price_amount, currency,"
          + " status, payment_intent_id, error, tries, next_try_at, created_at, updated_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)";

  static void bindInsert(PreparedStatement statement, RechargeAttempt a) throws SQLException {
    int i = 1;
    statement.setString(i++, a.accountId().value());
    statement.setLong(i++, a.sequence());
    statement.setString(i++, a.asset().name());
    statement.setString(i++, a.pack());
    statement.setLong(i++, a.grantAmount());
    statement.setLong(i++, a.priceCents());
    statement.setString(i++, a.currency());
    statement.setString(i++, a.status().name());
    statement.setString(i++, a.paymentIntentId());
    statement.setString(i++, a.error());
    Jdbc.setInstant(statement, i++, a.createdAt()); // due at once
    Jdbc.setInstant(statement, i++, a.createdAt());
    Jdbc.setInstant(statement, i, a.updatedAt());
  }

  static final String UPDATE_ATTEMPT_SQL =
      "UPDATE auto_recharge_attempts SET status = ?, payment_intent_id = ?, error = ?, updated_at = ?"
          + " WHERE account_id = ? AND sequence = ?";

  /**
   * Claims the due REQUESTED attempts across accounts: their next try moves to the lease's end and their tries are
   * counted, in one statement; SKIP LOCKED keeps two dispatchers off the same rows.
   */
  static List<RechargeAttempt> claimDue(
      Connection connection, java.time.Instant now, java.time.Instant leaseUntil, int limit) throws SQLException {
    String sql =
        "UPDATE auto_recharge_attempts a SET next_try_at = ?, tries = a.tries + 1 FROM ("
            + "SELECT account_id, sequence FROM auto_recharge_attempts WHERE status = 'REQUESTED' AND next_try_at <= ?"
            + " ORDER BY next_try_at LIMIT ? FOR UPDATE SKIP LOCKED) due"
            + " WHERE a.account_id = due.account_id AND a.sequence = due.sequence"
            + " RETURNING a.account_id, a.sequence, a.asset, a.pack, a.grant_amount, a.price_amount, a.currency,"
            + " a.status, a.payment_intent_id, a.error, a.tries, a.created_at, a.updated_at";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      Jdbc.setInstant(statement, 1, leaseUntil);
      Jdbc.setInstant(statement, 2, now);
      statement.setInt(3, limit);
      List<RechargeAttempt> claimed = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          claimed.add(attempt(rows));
        }
      }
      return claimed;
    }
  }
}
