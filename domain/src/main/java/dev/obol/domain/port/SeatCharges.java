package dev.obol.domain.port;

import dev.obol.domain.model.ChargePeriod;
import dev.obol.domain.model.SeatCharge;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The locked account's monthly seat charges, paid or owed: at most one per period. */
public interface SeatCharges {

  Optional<SeatCharge> findSeatCharge(ChargePeriod period);

  /** The charge of the latest period charged, paid or owed. */
  Optional<SeatCharge> lastSeatCharge();

  /** Charges not paid yet, oldest period first. */
  List<SeatCharge> owedSeatCharges();

  /** Inserts a new charge; a second charge for the same period is refused (primary key). */
  void saveSeatCharge(SeatCharge charge);

  /** Records that an owed charge was collected. */
  void markSeatChargePaid(ChargePeriod period, Instant paidAt);
}
