package dev.obol.persistence;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.List;
import java.util.Optional;

/**
 * The {@code seat_plans} table. Reads and writes of one account's plan run in that account's locked transaction
 * ({@link PostgresSeats}); the monthly charge's work list is read outside any lock.
 */
@DatabaseCall
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface SeatPlanRepository extends GenericRepository<SeatPlanRow, String> {

  Optional<SeatPlanRow> findById(String accountId);

  /** One statement whether or not the account has a plan yet; {@code updated_at} is the database's clock. */
  @Query(
      value =
          "INSERT INTO seat_plans (account_id, seat_count, low_balance_alerted, low_balance_notified_in,"
              + " status_reason, updated_at) VALUES (:accountId, :seatCount, :lowBalanceAlerted,"
              + " :lowBalanceNotifiedIn, :statusReason, now())"
              + " ON CONFLICT (account_id) DO UPDATE SET seat_count = excluded.seat_count,"
              + " low_balance_alerted = excluded.low_balance_alerted,"
              + " low_balance_notified_in = excluded.low_balance_notified_in,"
              + " status_reason = excluded.status_reason, updated_at = excluded.updated_at",
      readOnly = false)
  int upsert(
      String accountId,
      long seatCount,
      boolean lowBalanceAlerted,
      @Nullable String lowBalanceNotifiedIn,
      @Nullable String statusReason);

  /** Keyset pages of the accounts with seats, in account order (the partial index seat_plans_with_seats). */
  @Query(
      "SELECT account_id FROM seat_plans WHERE seat_count > 0 AND account_id > :afterAccountId"
          + " ORDER BY account_id LIMIT :limit")
  List<String> withSeatsAfter(String afterAccountId, int limit);
}
