package dev.obol.domain.port;

import dev.obol.domain.model.Reservation;
import java.util.Optional;

/** The locked account's holds. */
public interface Reservations {

  /** Stores a new, open hold with what it holds of each grant. */
  void saveReservation(Reservation reservation);

  /** Stores a hold's closing: its status, debit, captured amount and time. */
  void closeReservation(Reservation reservation);

  Optional<Reservation> findReservation(String reservationId);
}
