package dev.obol.persistence;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@code stripe_events} table: each provider event once. Native queries where the statement is what makes it
 * once: the insert that loses to an earlier one ({@code ON CONFLICT DO NOTHING}, which waits on the key while that
 * one's transaction is open) and the row lock a reprocess takes ({@code FOR UPDATE}).
 */
@DatabaseCall
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface StripeEventRepository extends GenericRepository<StripeEventRow, String> {

  /** @return 1 if inserted (outcome PROCESSING), 0 if the event is stored already */
  @Query(
      value =
          "INSERT INTO stripe_events (event_id, type, account_id, payload, outcome, created_at, received_at)"
              + " VALUES (:eventId, :type, :accountId, :payload, 'PROCESSING', :createdAt, :receivedAt)"
              + " ON CONFLICT (event_id) DO NOTHING",
      readOnly = false)
  int insertIfNew(
      String eventId, String type, @Nullable String accountId, String payload, Instant createdAt, Instant receivedAt);

  /** Locks the row until the transaction ends: a second reprocess of the event waits here, then reads this outcome. */
  @Query("SELECT * FROM stripe_events WHERE event_id = :eventId FOR UPDATE")
  Optional<StripeEventRow> lockById(String eventId);

  /** @param accountId null: the stored account stays as it is */
  @Query(
      value =
          "UPDATE stripe_events SET outcome = :outcome, detail = :detail, account_id = coalesce(:accountId, account_id)"
              + " WHERE event_id = :eventId",
      readOnly = false)
  int recordOutcome(String eventId, String outcome, @Nullable String detail, @Nullable String accountId);

  Optional<StripeEventRow> findById(String eventId);

  long count();
}
