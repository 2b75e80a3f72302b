package dev.obol.persistence;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.DataType;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;

/** The {@code outbox} table as the relay uses it. Rows are written by the hot path ({@code PostgresSession}). */
@DatabaseCall
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface OutboxRepository extends GenericRepository<OutboxRow, String> {

  /**
   * One statement: locks due rows with {@code FOR UPDATE SKIP LOCKED} and pushes their next attempt to the end of a
   * lease, so instances never wait for each other, never send one event in parallel, and no connection is held while
   * HTTP calls run. Not ordered (an UPDATE returns rows as it meets them).
   */
  @Query(
      value =
          "UPDATE outbox o SET attempts = o.attempts + 1, next_attempt_at = :leaseUntil"
              + " FROM (SELECT account_id, event_id FROM outbox"
              + "       WHERE delivered_at IS NULL AND next_attempt_at <= :now"
              + "       ORDER BY next_attempt_at LIMIT :limit FOR UPDATE SKIP LOCKED) due"
              + " WHERE o.account_id = due.account_id AND o.event_id = due.event_id"
              + " RETURNING o.account_id, o.event_id, o.type, o.body, o.attempts, o.delivered_to, o.created_at",
      readOnly = false)
  List<OutboxRow> claimDue(Instant now, Instant leaseUntil, int limit);

  @Query(
      value =
          "UPDATE outbox SET delivered_at = :at, delivered_to = :deliveredTo, next_attempt_at = NULL,"
              + " last_error = NULL WHERE account_id = :accountId AND event_id = :eventId",
      readOnly = false)
  int markDelivered(
      String accountId,
      String eventId,
      @TypeDef(type = DataType.STRING_ARRAY) String[] deliveredTo,
      Instant at);

  @Query(
      value =
          "UPDATE outbox SET next_attempt_at = :nextAttemptAt, delivered_to = :deliveredTo, last_error = :error"
              + " WHERE account_id = :accountId AND event_id = :eventId",
      readOnly = false)
  int retryLater(
      String accountId,
      String eventId,
      @TypeDef(type = DataType.STRING_ARRAY) String[] deliveredTo,
      @Nullable Instant nextAttemptAt,
      @Nullable String error);

  /** At most {@code limit} rows per statement: a purge never holds many locks or a long transaction. */
  @Query(
      value =
          "DELETE FROM outbox WHERE (account_id, event_id) IN (SELECT account_id, event_id FROM outbox"
              + " WHERE delivered_at < :deliveredBefore ORDER BY delivered_at LIMIT :limit)",
      readOnly = false)
  int purgeDelivered(Instant deliveredBefore, int limit);

  @Query("SELECT count(*) FROM outbox WHERE account_id = :accountId AND delivered_at IS NULL")
  long countUndelivered(String accountId);

  /** For the outbox gauges: the undelivered rows (the partial index outbox_due holds exactly these). */
  @Query("SELECT count(*) FROM outbox WHERE delivered_at IS NULL")
  long countPending();

  /** For the outbox gauges: when the oldest undelivered row was written; null when none is. */
  @Query("SELECT min(created_at) FROM outbox WHERE delivered_at IS NULL")
  @Nullable
  Instant oldestPendingCreatedAt();
}
