package dev.obol.persistence;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.payment.Payment;
import dev.obol.domain.payment.PaymentBonus;
import dev.obol.domain.payment.QuotaPeriod;
import dev.obol.domain.payment.Subscription;
import dev.obol.domain.port.AccountSession;
import dev.obol.domain.port.PaymentSession;
import io.micronaut.data.exceptions.DataAccessException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The payment tables of one locked account, through the repositories. They run in the account's transaction, on its
 * connection (the transaction manager hands them the connection of the unit of work this session lives in), so each
 * call first sends the writes the wallet held back: a payment's row refers to the grant written just before it.
 */
final class PostgresPaymentSession implements PaymentSession {

  private final PostgresSession wallet;
  private final AccountId accountId;
  private final PaymentRepositories tables;

  PostgresPaymentSession(PostgresSession wallet, AccountId accountId, PaymentRepositories tables) {
    this.wallet = wallet;
    this.accountId = accountId;
    this.tables = tables;
  }

  @Override
  public AccountSession wallet() {
    return wallet;
  }

  @Override
  public Optional<Payment> findPayment(String providerId) {
    wallet.flush();
    return tables.payments().findByAccountIdAndProviderId(accountId.value(), providerId).map(PaymentRows::payment);
  }

  @Override
  public Optional<Payment> findPaymentByIntent(String paymentIntentId) {
    wallet.flush();
    return tables
        .payments()
        .findFirstByAccountIdAndPaymentIntentIdOrderByCreatedAt(accountId.value(), paymentIntentId)
        .map(PaymentRows::payment);
  }

  @Override
  public void insertPayment(Payment payment) {
    wallet.flush();
    tables.payments().save(PaymentRows.row(payment, accountId));
  }

  @Override
  public void updateReversal(Payment payment) {
    wallet.flush();
    Payment.Reversal reversal = payment.reversal();
    tables
        .payments()
        .updateReversal(
            accountId.value(),
            payment.providerId(),
            reversal.reversedCents(),
            reversal.clawedBack(),
            reversal.shortfall());
  }

  @Override
  public Optional<PaymentBonus> findBonus(String providerId) {
    try (PreparedStatement statement =
        wallet.prepare(
            "SELECT grant_id, rule, amount, reversed_amount, clawed_back, shortfall FROM payment_bonuses"
                + " WHERE account_id = ? AND provider_id = ?")) {
      statement.setString(1, accountId.value());
      statement.setString(2, providerId);
      try (ResultSet rows = statement.executeQuery()) {
        if (!rows.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new PaymentBonus(
                accountId,
                providerId,
                rows.getString("grant_id"),
                rows.getString("rule"),
                rows.getLong("amount"),
                new Payment.Reversal(
                    rows.getLong("reversed_amount"), rows.getLong("clawed_back"), rows.getLong("shortfall"))));
      }
    } catch (SQLException e) {
      throw new PersistenceException("findBonus on account " + accountId + " failed", e);
    }
  }

  @Override
  public void insertBonus(PaymentBonus bonus) {
    try (PreparedStatement statement =
        wallet.prepare(
            "INSERT INTO payment_bonuses (account_id, provider_id, grant_id, rule, amount) VALUES (?, ?, ?, ?, ?)")) {
      statement.setString(1, accountId.value());
      statement.setString(2, bonus.providerId());
      statement.setString(3, bonus.grantId());
      statement.setString(4, bonus.rule());
      statement.setLong(5, bonus.amount());
      statement.executeUpdate();
    } catch (SQLException e) {
      throw new PersistenceException("insertBonus on account " + accountId + " failed", e);
    }
  }

  @Override
  public void updateBonusReversal(PaymentBonus bonus) {
    try (PreparedStatement statement =
        wallet.prepare(
            "UPDATE payment_bonuses SET reversed_amount = ?, clawed_back = ?, shortfall = ?"
                + " WHERE account_id = ? AND provider_id = ?")) {
      Payment.Reversal reversal = bonus.reversal();
      statement.setLong(1, reversal.reversedCents());
      statement.setLong(2, reversal.clawedBack());
      statement.setLong(3, reversal.shortfall());
      statement.setString(4, accountId.value());
      statement.setString(5, bonus.providerId());
      statement.executeUpdate();
    } catch (SQLException e) {
      throw new PersistenceException("updateBonusReversal on account " + accountId + " failed", e);
    }
  }

  @Override
  public Optional<Subscription> findSubscription(String subscriptionId) {
    wallet.flush();
    return tables
        .subscriptions()
        .findByAccountIdAndSubscriptionId(accountId.value(), subscriptionId)
        .map(PaymentRows::subscription);
  }

  @Override
  public void saveSubscription(Subscription s) {
    wallet.flush();
    tables
        .subscriptions()
        .upsert(
            accountId.value(),
            s.subscriptionId(),
            s.customerId(),
            s.terms().plan(),
            s.terms().monthlyTokens(),
            s.terms().rolloverCap(),
            s.terms().interval().name(),
            s.status().name(),
            s.paidFrom(),
            s.paidUntil(),
            s.nextPeriodAt(),
            s.updatedAt());
  }

  @Override
  public Optional<QuotaPeriod> latestPeriod(String subscriptionId) {
    wallet.flush();
    return tables
        .periods()
        .findFirstByAccountIdAndSubscriptionIdOrderByPeriodStartDesc(accountId.value(), subscriptionId)
        .map(PaymentRows::period);
  }

  @Override
  public void insertPeriod(QuotaPeriod period) {
    wallet.flush();
    tables.periods().save(PaymentRows.row(period, accountId));
  }

  /** A read of {@code ledger_entries}, the account side's table, through its repository (in this transaction). */
  @Override
  public long expiredFrom(String grantId) {
    wallet.flush();
    try {
      return wallet.tables().entries.expiredFrom(accountId.value(), grantId);
    } catch (DataAccessException e) {
      throw new PersistenceException("expiredFrom on account " + accountId + " failed", e);
    }
  }

  @Override
  public void savePaymentMethod(String customerId, String paymentMethodId, java.time.Instant at) {
    try (java.sql.PreparedStatement statement = wallet.prepare(PostgresPaymentCustomers.SAVE_PAYMENT_METHOD_SQL)) {
      statement.setString(1, accountId.value());
      statement.setString(2, customerId);
      statement.setString(3, paymentMethodId);
      Jdbc.setInstant(statement, 4, at);
      Jdbc.setInstant(statement, 5, at);
      statement.executeUpdate();
    } catch (java.sql.SQLException e) {
      throw new PersistenceException("saving the payment method of " + accountId + " failed", e);
    }
  }
}
