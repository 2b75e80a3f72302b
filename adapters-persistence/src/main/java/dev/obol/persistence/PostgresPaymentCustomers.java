package dev.obol.persistence;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.payment.PaymentCustomer;
import dev.obol.domain.payment.RechargeAttempt;
import dev.obol.domain.port.PaymentCustomers;
import dev.obol.domain.port.RechargeQueue;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Accounts' Stripe customers and saved payment methods ({@code payment_customers}), and the recharge outbox's claim
 * ({@code auto_recharge_attempts}): the reads and writes of auto-recharge outside an account's transaction.
 */
public final class PostgresPaymentCustomers implements PaymentCustomers, RechargeQueue {

  private static final String COLUMNS =
      "SELECT account_id, customer_id, payment_method_id, payment_method_saved_at FROM payment_customers";

  /** Saves the payment method with its customer, replacing an earlier one (run in an event's transaction). */
  static final String SAVE_PAYMENT_METHOD_SQL =
      "INSERT INTO payment_customers (account_id, customer_id, payment_method_id, payment_method_saved_at, created_at)"
          + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET customer_id = EXCLUDED.customer_id,"
          + " payment_method_id = EXCLUDED.payment_method_id,"
          + " payment_method_saved_at = EXCLUDED.payment_method_saved_at";

  private final Transactions transactions;

  public PostgresPaymentCustomers(Transactions transactions) {
    this.transactions = transactions;
  }

  @Override
  public Optional<PaymentCustomer> customerOf(AccountId accountId) {
    return transactions.query(
        COLUMNS + " WHERE account_id = ?",
        statement -> statement.setString(1, accountId.value()),
        rows -> rows.next() ? Optional.of(customer(rows)) : Optional.empty());
  }

  @Override
  public PaymentCustomer saveCustomerIfNone(AccountId accountId, String customerId, Instant at) {
    return transactions.inTransaction(
        "saving the customer of " + accountId,
        connection -> {
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO payment_customers (account_id, customer_id, created_at) VALUES (?, ?, ?)"
                      + " ON CONFLICT (account_id) DO NOTHING")) {
            insert.setString(1, accountId.value());
            insert.setString(2, customerId);
            Jdbc.setInstant(insert, 3, at);
            insert.executeUpdate();
          }
          try (PreparedStatement read = connection.prepareStatement(COLUMNS + " WHERE account_id = ?")) {
            read.setString(1, accountId.value());
            try (ResultSet rows = read.executeQuery()) {
              if (!rows.next()) {
                throw new SQLException("the customer of " + accountId + " just saved is not there");
              }
              return customer(rows);
            }
          }
        });
  }

  @Override
  public List<RechargeAttempt> claimDue(Instant now, Instant leaseUntil, int limit) {
    return transactions.inTransaction(
        "claiming due recharges", connection -> AutoRechargeRows.claimDue(connection, now, leaseUntil, limit));
  }

  /** An account's recharge attempts, by sequence (tests and operators). */
  public List<RechargeAttempt> attempts(AccountId accountId) {
    return transactions.query(
        AutoRechargeRows.ATTEMPT_COLUMNS + " WHERE account_id = ? ORDER BY sequence",
        statement -> statement.setString(1, accountId.value()),
        rows -> {
          List<RechargeAttempt> all = new java.util.ArrayList<>();
          while (rows.next()) {
            all.add(AutoRechargeRows.attempt(rows));
          }
          return all;
        });
  }

  private static PaymentCustomer customer(ResultSet rows) throws SQLException {
    return new PaymentCustomer(
        AccountId.of(rows.getString("account_id")),
        rows.getString("customer_id"),
        rows.getString("payment_method_id"),
        Jdbc.getInstant(rows, "payment_method_saved_at"));
  }
}
