package dev.obol.persistence;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code subscriptions} table: one row per account and provider subscription, replaced as it changes. */
@DatabaseCall
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface SubscriptionRepository extends GenericRepository<SubscriptionRow, String> {

  Optional<SubscriptionRow> findByAccountIdAndSubscriptionId(String accountId, String subscriptionId);

  /**
   * Inserts or replaces the row in one statement ({@code ON CONFLICT DO UPDATE}); the plan's terms and
   * {@code created_at} stay as first stored.
   */
  @Query(
      value =
          "INSERT INTO subscriptions (account_id, subscription_id, customer_id, plan, monthly_tokens, rollover_cap,"
              + " billing_interval, status, paid_from, paid_until, next_period_at, created_at, updated_at)"
              + " VALUES (:accountId, :subscriptionId, :customerId, :plan, :monthlyTokens, :rolloverCap,"
              + " :billingInterval, :status, :paidFrom, :paidUntil, :nextPeriodAt, :updatedAt, :updatedAt)"
              + " ON CONFLICT (account_id, subscription_id) DO UPDATE SET customer_id = excluded.customer_id,"
              + " status = excluded.status, paid_from = excluded.paid_from, paid_until = excluded.paid_until,"
              + " next_period_at = excluded.next_period_at, updated_at = excluded.updated_at",
      readOnly = false)
  int upsert(
      String accountId,
      String subscriptionId,
      @Nullable String customerId,
      String plan,
      long monthlyTokens,
      long rolloverCap,
      String billingInterval,
      String status,
      @Nullable Instant paidFrom,
      @Nullable Instant paidUntil,
      @Nullable Instant nextPeriodAt,
      Instant updatedAt);

  /** The scheduler's work list, across accounts: next monthly period due by {@code now}, oldest first. */
  @Query("SELECT * FROM subscriptions WHERE next_period_at <= :now ORDER BY next_period_at LIMIT :limit")
  List<SubscriptionRow> due(Instant now, int limit);
}
