package dev.obol.persistence;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.Optional;

/**
 * The {@code payments} table: one row per paid provider object, so each grant happens once (the primary key refuses
 * a second insert). Only the reversal totals ever change.
 */
@DatabaseCall
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface PaymentRepository extends GenericRepository<PaymentRow, String> {

  /** @throws io.micronaut.data.exceptions.DataAccessException when the account has this provider id already */
  PaymentRow save(PaymentRow row);

  Optional<PaymentRow> findByAccountIdAndProviderId(String accountId, String providerId);

  Optional<PaymentRow> findFirstByAccountIdAndPaymentIntentIdOrderByCreatedAt(
      String accountId, String paymentIntentId);

  /** Across accounts, for refunds and disputes that name only the payment intent. */
  @Query("SELECT account_id FROM payments WHERE payment_intent_id = :paymentIntentId LIMIT 1")
  Optional<String> findAccountIdByPaymentIntentId(String paymentIntentId);

  @Query(
      value =
          "UPDATE payments SET reversed_amount = :reversedAmount, clawed_back = :clawedBack, shortfall = :shortfall,"
              + " updated_at = now() WHERE account_id = :accountId AND provider_id = :providerId",
      readOnly = false)
  int updateReversal(String accountId, String providerId, long reversedAmount, long clawedBack, long shortfall);
}
