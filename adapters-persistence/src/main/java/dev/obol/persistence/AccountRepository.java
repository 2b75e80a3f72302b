package dev.obol.persistence;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The lock-free reads of {@code accounts} and the expiry sweeper's work list. The locked account row itself is read by
 * {@code PostgresSession.open} (in the round trip that takes the lock), not here.
 */
@DatabaseCall
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface AccountRepository extends GenericRepository<AccountRow, String> {

  Optional<AccountRow> findById(String accountId);

  /** Accounts with an open grant that has expired by {@code now} (the partial index grants_due serves it). */
  @Query(
      "SELECT DISTINCT account_id FROM grants"
          + " WHERE remaining > held AND expires_at IS NOT NULL AND expires_at <= :now LIMIT :limit")
  List<String> withDueExpiries(Instant now, int limit);
}
