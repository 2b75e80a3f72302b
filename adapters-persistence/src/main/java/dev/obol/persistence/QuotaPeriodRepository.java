package dev.obol.persistence;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@code quota_periods} table: one row per monthly period of a subscription, so each period happens at most once
 * (the primary key refuses a second insert, whichever instance or event tried).
 */
@DatabaseCall
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface QuotaPeriodRepository extends GenericRepository<QuotaPeriodRow, Instant> {

  /** @throws io.micronaut.data.exceptions.DataAccessException when the period exists already */
  QuotaPeriodRow save(QuotaPeriodRow row);

  Optional<QuotaPeriodRow> findFirstByAccountIdAndSubscriptionIdOrderByPeriodStartDesc(
      String accountId, String subscriptionId);
}
