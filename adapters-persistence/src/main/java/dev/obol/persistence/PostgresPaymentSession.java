package dev.obol.persistence;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.payment.BillingInterval;
import dev.obol.domain.payment.Payment;
import dev.obol.domain.payment.PaymentKind;
import dev.obol.domain.payment.PlanTerms;
import dev.obol.domain.payment.QuotaPeriod;
import dev.obol.domain.payment.Subscription;
import dev.obol.domain.payment.SubscriptionStatus;
import dev.obol.domain.port.AccountSession;
import dev.obol.domain.port.PaymentSession;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** The payment tables of one locked account, on the transaction's connection. */
final class PostgresPaymentSession implements PaymentSession {

  private static final String PAYMENT_COLUMNS =
      "SELECT account_id, provider_id, kind, payment_intent_id, grant_id, asset, granted_amount, paid_amount, currency,"
          + " reversed_amount, clawed_back, shortfall, created_at FROM payments";
  private static final String SUBSCRIPTION_COLUMNS =
      "SELECT account_id, subscription_id, customer_id, plan, monthly_tokens, rollover_cap, billing_interval, status,"
          + " paid_from, paid_until, next_period_at, updated_at FROM subscriptions";

  private final PostgresSession wallet;
  private final AccountId accountId;

  PostgresPaymentSession(PostgresSession wallet, AccountId accountId) {
    this.wallet = wallet;
    this.accountId = accountId;
  }

  @Override
  public AccountSession wallet() {
    return wallet;
  }

  @Override
  public Optional<Payment> findPayment(String providerId) {
    return one(PAYMENT_COLUMNS + " WHERE account_id = ? AND provider_id = ?", providerId, PostgresPaymentSession::payment);
  }

  @Override
  public Optional<Payment> findPaymentByIntent(String paymentIntentId) {
    return one(
        PAYMENT_COLUMNS + " WHERE account_id = ? AND payment_intent_id = ? ORDER BY created_at LIMIT 1",
        paymentIntentId,
        PostgresPaymentSession::payment);
  }

  @Override
  public void insertPayment(Payment payment) {
    update(
        "INSERT INTO payments (account_id, provider_id, kind, payment_intent_id, grant_id, asset, granted_amount,"
            + " paid_amount, currency, reversed_amount, clawed_back, shortfall, created_at, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        statement -> {
          statement.setString(1, accountId.value());
          statement.setString(2, payment.providerId());
          statement.setString(3, payment.kind().name());
          statement.setString(4, payment.paymentIntentId());
          statement.setString(5, payment.grantId());
          statement.setString(6, payment.asset().name());
          statement.setLong(7, payment.grantedAmount());
          statement.setLong(8, payment.paidCents());
          statement.setString(9, payment.currency());
          statement.setLong(10, payment.reversal().reversedCents());
          statement.setLong(11, payment.reversal().clawedBack());
          statement.setLong(12, payment.reversal().shortfall());
          Jdbc.setInstant(statement, 13, payment.createdAt());
          Jdbc.setInstant(statement, 14, payment.createdAt());
        });
  }

  @Override
  public void updateReversal(Payment payment) {
    update(
        "UPDATE payments SET reversed_amount = ?, clawed_back = ?, shortfall = ?, updated_at = now()"
            + " WHERE account_id = ? AND provider_id = ?",
        statement -> {
          statement.setLong(1, payment.reversal().reversedCents());
          statement.setLong(2, payment.reversal().clawedBack());
          statement.setLong(3, payment.reversal().shortfall());
          statement.setString(4, accountId.value());
          statement.setString(5, payment.providerId());
        });
  }

  @Override
  public Optional<Subscription> findSubscription(String subscriptionId) {
    return one(
        SUBSCRIPTION_COLUMNS + " WHERE account_id = ? AND subscription_id = ?",
        subscriptionId,
        PostgresPaymentSession::subscription);
  }

  @Override
  public void saveSubscription(Subscription s) {
    update(
        "INSERT INTO subscriptions (account_id, subscription_id, customer_id, plan, monthly_tokens, rollover_cap,"
            + " billing_interval, status, paid_from, paid_until, next_period_at, created_at, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (account_id, subscription_id) DO UPDATE SET customer_id = excluded.customer_id,"
            + " status = excluded.status, paid_from = excluded.paid_from, paid_until = excluded.paid_until,"
            + " next_period_at = excluded.next_period_at, updated_at = excluded.updated_at",
        statement -> {
          statement.setString(1, accountId.value());
          statement.setString(2, s.subscriptionId());
          statement.setString(3, s.customerId());
          statement.setString(4, s.terms().plan());
          statement.setLong(5, s.terms().monthlyTokens());
          statement.setLong(6, s.terms().rolloverCap());
          statement.setString(7, s.terms().interval().name());
          statement.setString(8, s.status().name());
          Jdbc.setInstant(statement, 9, s.paidFrom());
          Jdbc.setInstant(statement, 10, s.paidUntil());
          Jdbc.setInstant(statement, 11, s.nextPeriodAt());
          Jdbc.setInstant(statement, 12, s.updatedAt());
          Jdbc.setInstant(statement, 13, s.updatedAt());
        });
  }

  @Override
  public Optional<QuotaPeriod> latestPeriod(String subscriptionId) {
    return one(
        "SELECT account_id, subscription_id, period_start, period_end, quota_grant_id, rollover_grant_id, source,"
            + " created_at FROM quota_periods WHERE account_id = ? AND subscription_id = ?"
            + " ORDER BY period_start DESC LIMIT 1",
        subscriptionId,
        rows ->
            new QuotaPeriod(
                AccountId.of(rows.getString("account_id")),
                rows.getString("subscription_id"),
                Jdbc.getInstant(rows, "period_start"),
                Jdbc.getInstant(rows, "period_end"),
                rows.getString("quota_grant_id"),
                rows.getString("rollover_grant_id"),
                rows.getString("source"),
                Jdbc.getInstant(rows, "created_at")));
  }

  @Override
  public void insertPeriod(QuotaPeriod period) {
    update(
        "INSERT INTO quota_periods (account_id, subscription_id, period_start, period_end, quota_grant_id,"
            + " rollover_grant_id, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        statement -> {
          statement.setString(1, accountId.value());
          statement.setString(2, period.subscriptionId());
          Jdbc.setInstant(statement, 3, period.periodStart());
          Jdbc.setInstant(statement, 4, period.periodEnd());
          statement.setString(5, period.quotaGrantId());
          statement.setString(6, period.rolloverGrantId());
          statement.setString(7, period.source());
          Jdbc.setInstant(statement, 8, period.createdAt());
        });
  }

  @Override
  public long expiredFrom(String grantId) {
    return one(
            "SELECT -coalesce(sum(amount), 0) FROM ledger_entries"
                + " WHERE account_id = ? AND grant_id = ? AND kind = 'EXPIRY'",
            grantId,
            rows -> rows.getLong(1))
        .orElse(0L);
  }

  // ---- mapping ---------------------------------------------------------------------------------------------------

  private static Payment payment(ResultSet rows) throws SQLException {
    return new Payment(
        AccountId.of(rows.getString("account_id")),
        rows.getString("provider_id"),
        PaymentKind.valueOf(rows.getString("kind")),
        rows.getString("payment_intent_id"),
        rows.getString("grant_id"),
        Asset.valueOf(rows.getString("asset")),
        rows.getLong("granted_amount"),
        rows.getLong("paid_amount"),
        rows.getString("currency"),
        new Payment.Reversal(
            rows.getLong("reversed_amount"), rows.getLong("clawed_back"), rows.getLong("shortfall")),
        Jdbc.getInstant(rows, "created_at"));
  }

  private static Subscription subscription(ResultSet rows) throws SQLException {
    return new Subscription(
        AccountId.of(rows.getString("account_id")),
        rows.getString("subscription_id"),
        rows.getString("customer_id"),
        new PlanTerms(
            rows.getString("plan"),
            rows.getLong("monthly_tokens"),
            rows.getLong("rollover_cap"),
            BillingInterval.valueOf(rows.getString("billing_interval"))),
        SubscriptionStatus.valueOf(rows.getString("status")),
        Jdbc.getInstant(rows, "paid_from"),
        Jdbc.getInstant(rows, "paid_until"),
        Jdbc.getInstant(rows, "next_period_at"),
        Jdbc.getInstant(rows, "updated_at"));
  }

  // ---- plumbing --------------------------------------------------------------------------------------------------

  private <T> Optional<T> one(String sql, String key, Transactions.Reader<T> mapper) {
    try (PreparedStatement statement = wallet.prepare(sql)) {
      statement.setString(1, accountId.value());
      statement.setString(2, key);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(mapper.read(rows)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new PersistenceException("query on account " + accountId + " failed: " + sql, e);
    }
  }

  private void update(String sql, Transactions.Binder binder) {
    try (PreparedStatement statement = wallet.prepare(sql)) {
      binder.bind(statement);
      statement.executeUpdate();
    } catch (SQLException e) {
      throw new PersistenceException("write on account " + accountId + " failed: " + sql, e);
    }
  }
}
