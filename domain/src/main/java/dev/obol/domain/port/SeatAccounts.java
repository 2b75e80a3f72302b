package dev.obol.domain.port;

import dev.obol.domain.model.AccountId;
import java.util.List;

/** The monthly charge's work list (committed data, read outside any account lock). */
public interface SeatAccounts {

  /** Accounts with at least one seat, in account id order, after {@code afterAccountId} ("" for the first page). */
  List<AccountId> accountsWithSeats(String afterAccountId, int limit);
}
