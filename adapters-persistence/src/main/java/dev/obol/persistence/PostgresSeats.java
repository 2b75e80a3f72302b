package dev.obol.persistence;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.ChargePeriod;
import dev.obol.domain.model.SeatCharge;
import dev.obol.domain.model.SeatCount;
import dev.obol.domain.model.SeatPlan;
import dev.obol.domain.port.SeatCharges;
import dev.obol.domain.port.SeatPlans;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The seat_plans and seat_charges SQL of one locked account, for {@link PostgresSession}: every statement goes through
 * the session's {@code prepare}, so it runs after the session's held-back writes and in its transaction.
 */
final class PostgresSeats implements SeatPlans, SeatCharges {

  /** Prepares a statement in the session's transaction, after its pending writes. */
  interface Statements {
    PreparedStatement prepare(String sql) throws SQLException;
  }

  private static final String PLAN_COLUMNS =
      "SELECT seat_count, low_balance_alerted, low_balance_notified_in, status_reason FROM seat_plans";

  private static final String CHARGE_COLUMNS =
      "SELECT period, charge_id, seat_count, fee, outcome, charged_at, paid_at FROM seat_charges";

  private final Statements statements;
  private final AccountId accountId;

  PostgresSeats(Statements statements, AccountId accountId) {
    this.statements = statements;
    this.accountId = accountId;
  }

  @Override
  public SeatPlan seatPlan() {
    try (PreparedStatement statement = statements.prepare(PLAN_COLUMNS + " WHERE account_id = ?")) {
      statement.setString(1, accountId.value());
      try (ResultSet rows = statement.executeQuery()) {
        if (!rows.next()) {
          return SeatPlan.NONE;
        }
        String notifiedIn = rows.getString(3);
        return new SeatPlan(
            SeatCount.of(rows.getLong(1)),
            rows.getBoolean(2),
            notifiedIn == null ? null : ChargePeriod.parse(notifiedIn),
            rows.getString(4));
      }
    } catch (SQLException e) {
      throw failed("seatPlan", e);
    }
  }

  @Override
  public void saveSeatPlan(SeatPlan plan) {
    try (PreparedStatement statement =
        statements.prepare(
            "INSERT INTO seat_plans (account_id, seat_count, low_balance_alerted, low_balance_notified_in,"
                + " status_reason, updated_at) VALUES (?, ?, ?, ?, ?, now())"
                + " ON CONFLICT (account_id) DO UPDATE SET seat_count = excluded.seat_count,"
                + " low_balance_alerted = excluded.low_balance_alerted,"
                + " low_balance_notified_in = excluded.low_balance_notified_in,"
                + " status_reason = excluded.status_reason, updated_at = excluded.updated_at")) {
      statement.setString(1, accountId.value());
      statement.setLong(2, plan.seatCount().value());
      statement.setBoolean(3, plan.lowBalanceAlerted());
      statement.setString(4, plan.lowBalanceNotifiedIn() == null ? null : plan.lowBalanceNotifiedIn().toString());
      statement.setString(5, plan.statusReason());
      statement.executeUpdate();
    } catch (SQLException e) {
      throw failed("saveSeatPlan", e);
    }
  }

  @Override
  public Optional<SeatCharge> findSeatCharge(ChargePeriod period) {
    return charges(" AND period = ?", period.toString()).stream().findFirst();
  }

  @Override
  public Optional<SeatCharge> lastSeatCharge() {
    return charges(" ORDER BY period DESC LIMIT 1", null).stream().findFirst();
  }

  @Override
  public List<SeatCharge> owedSeatCharges() {
    return charges(" AND paid_at IS NULL ORDER BY period", null);
  }

  private List<SeatCharge> charges(String condition, String period) {
    try (PreparedStatement statement = statements.prepare(CHARGE_COLUMNS + " WHERE account_id = ?" + condition)) {
      statement.setString(1, accountId.value());
      if (period != null) {
        statement.setString(2, period);
      }
      List<SeatCharge> charges = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          charges.add(charge(rows));
        }
      }
      return charges;
    } catch (SQLException e) {
      throw failed("seatCharges", e);
    }
  }

  private SeatCharge charge(ResultSet rows) throws SQLException {
    return new SeatCharge(
        accountId,
        ChargePeriod.parse(rows.getString("period")),
        rows.getString("charge_id"),
        SeatCount.of(rows.getLong("seat_count")),
        rows.getLong("fee"),
        SeatCharge.Outcome.valueOf(rows.getString("outcome")),
        Jdbc.getInstant(rows, "charged_at"),
        Jdbc.getInstant(rows, "paid_at"));
  }

  @Override
  public void saveSeatCharge(SeatCharge charge) {
    try (PreparedStatement statement =
        statements.prepare(
            "INSERT INTO seat_charges (account_id, period, charge_id, seat_count, fee, outcome, charged_at, paid_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      statement.setString(1, accountId.value());
      statement.setString(2, charge.period().toString());
      statement.setString(3, charge.chargeId());
      statement.setLong(4, charge.seatCount().value());
      statement.setLong(5, charge.feeCents());
      statement.setString(6, charge.outcome().name());
      Jdbc.setInstant(statement, 7, charge.chargedAt());
      Jdbc.setInstant(statement, 8, charge.paidAt());
      statement.executeUpdate();
    } catch (SQLException e) {
      throw failed("saveSeatCharge", e);
    }
  }

  @Override
  public void markSeatChargePaid(ChargePeriod period, Instant paidAt) {
    try (PreparedStatement statement =
        statements.prepare(
            "UPDATE seat_charges SET paid_at = ? WHERE account_id = ? AND period = ? AND paid_at IS NULL")) {
      Jdbc.setInstant(statement, 1, paidAt);
      statement.setString(2, accountId.value());
      statement.setString(3, period.toString());
      if (statement.executeUpdate() != 1) {
        throw new IllegalStateException("no owed seat charge " + period + " on account " + accountId);
      }
    } catch (SQLException e) {
      throw failed("markSeatChargePaid", e);
    }
  }

  private PersistenceException failed(String what, SQLException e) {
    return new PersistenceException(what + " on account " + accountId + " failed", e);
  }
}
