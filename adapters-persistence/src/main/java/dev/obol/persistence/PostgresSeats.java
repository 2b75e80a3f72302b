package dev.obol.persistence;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.ChargePeriod;
import dev.obol.domain.model.SeatCharge;
import dev.obol.domain.model.SeatPlan;
import dev.obol.domain.port.SeatCharges;
import dev.obol.domain.port.SeatPlans;
import io.micronaut.data.exceptions.DataAccessException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The seat plan and seat charges of one locked account, for {@link PostgresSession}, on the repositories of
 * {@link AccountTables}. They join the session's transaction (the repositories run on the transaction manager's
 * connection); every call first sends the session's held-back writes, so it sees them, as the session's own
 * statements do.
 */
final class PostgresSeats implements SeatPlans, SeatCharges {

  private final Runnable flushPending;
  private final AccountTables tables;
  private final AccountId accountId;

  /** @param flushPending sends the session's held-back writes */
  PostgresSeats(Runnable flushPending, AccountTables tables, AccountId accountId) {
    this.flushPending = flushPending;
    this.tables = tables;
    this.accountId = accountId;
  }

  @Override
  public SeatPlan seatPlan() {
    return run(
        "seatPlan",
        t -> t.seatPlans.findById(accountId.value()).map(AccountRows::seatPlan).orElse(SeatPlan.NONE));
  }

  @Override
  public void saveSeatPlan(SeatPlan plan) {
    run(
        "saveSeatPlan",
        t ->
            t.seatPlans.upsert(
                accountId.value(),
                plan.seatCount().value(),
                plan.lowBalanceAlerted(),
                plan.lowBalanceNotifiedIn() == null ? null : plan.lowBalanceNotifiedIn().toString(),
                plan.statusReason()));
  }

  @Override
  public Optional<SeatCharge> findSeatCharge(ChargePeriod period) {
    return run(
        "seatCharges", t -> t.seatCharges.find(accountId.value(), period.toString()).map(AccountRows::seatCharge));
  }

  @Override
  public Optional<SeatCharge> lastSeatCharge() {
    return run("seatCharges", t -> t.seatCharges.last(accountId.value()).map(AccountRows::seatCharge));
  }

  @Override
  public List<SeatCharge> owedSeatCharges() {
    return run(
        "seatCharges",
        t -> t.seatCharges.owed(accountId.value()).stream().map(AccountRows::seatCharge).toList());
  }

  @Override
  public void saveSeatCharge(SeatCharge charge) {
    run(
        "saveSeatCharge",
        t ->
            t.seatCharges.insert(
                accountId.value(),
                charge.period().toString(),
                charge.chargeId(),
                charge.seatCount().value(),
                charge.feeCents(),
                charge.outcome().name(),
                charge.chargedAt(),
                charge.paidAt()));
  }

  @Override
  public void markSeatChargePaid(ChargePeriod period, Instant paidAt) {
    int updated = run("markSeatChargePaid", t -> t.seatCharges.markPaid(accountId.value(), period.toString(), paidAt));
    if (updated != 1) {
      throw new IllegalStateException("no owed seat charge " + period + " on account " + accountId);
    }
  }

  private interface Call<T> {
    T on(AccountTables tables);
  }

  /** After the pending writes; a failure named as the hand-written statements name theirs. */
  private <T> T run(String what, Call<T> call) {
    flushPending.run();
    try {
      return call.on(tables);
    } catch (DataAccessException e) {
      throw new PersistenceException(what + " on account " + accountId + " failed", e);
    }
  }
}
