package dev.obol.persistence;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code seat_charges} table, always inside the account's locked transaction ({@link PostgresSeats}). The insert
 * is plain on purpose: the primary key refuses a second charge for the same account and period, whatever the caller
 * checked before.
 */
@DatabaseCall
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface SeatChargeRepository extends GenericRepository<SeatChargeRow, String> {

  @Query("SELECT * FROM seat_charges WHERE account_id = :accountId AND period = :period")
  Optional<SeatChargeRow> find(String accountId, String period);

  @Query("SELECT * FROM seat_charges WHERE account_id = :accountId ORDER BY period DESC LIMIT 1")
  Optional<SeatChargeRow> last(String accountId);

  /** Oldest first (the partial index seat_charges_owed). */
  @Query("SELECT * FROM seat_charges WHERE account_id = :accountId AND paid_at IS NULL ORDER BY period")
  List<SeatChargeRow> owed(String accountId);

  @Query(
      value =
          "INSERT INTO seat_charges (account_id, period, charge_id, seat_count, fee, outcome, charged_at, paid_at)"
              + " VALUES (:accountId, :period, :chargeId, :seatCount, :fee, :outcome, :chargedAt, :paidAt)",
      readOnly = false)
  int insert(
      String accountId,
      String period,
      String chargeId,
      long seatCount,
      long fee,
      String outcome,
      Instant chargedAt,
      @Nullable Instant paidAt);

  /** @return 1 if the charge was owed, 0 if there is none or it was paid already */
  @Query(
      value =
          "UPDATE seat_charges SET paid_at = :paidAt"
              + " WHERE account_id = :accountId AND period = :period AND paid_at IS NULL",
      readOnly = false)
  int markPaid(String accountId, String period, Instant paidAt);
}
