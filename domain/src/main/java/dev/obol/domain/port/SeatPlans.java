package dev.obol.domain.port;

import dev.obol.domain.model.SeatPlan;

/** The locked account's seat plan. */
public interface SeatPlans {

  /** The account's seat plan; {@link SeatPlan#NONE} when it never had one. */
  SeatPlan seatPlan();

  void saveSeatPlan(SeatPlan plan);
}
