package dev.obol.persistence;

import jakarta.inject.Singleton;

/**
 * The repositories of the account tables off the debit hot path (accounts reads, seat plans and charges, the ledger
 * listing), as one dependency of {@link PostgresAccountStore} and of the sessions {@link Transactions} opens.
 */
@Singleton
public final class AccountTables {

  final AccountRepository accounts;
  final SeatPlanRepository seatPlans;
  final SeatChargeRepository seatCharges;
  final LedgerEntryRepository entries;

  AccountTables(
      AccountRepository accounts,
      SeatPlanRepository seatPlans,
      SeatChargeRepository seatCharges,
      LedgerEntryRepository entries) {
    this.accounts = accounts;
    this.seatPlans = seatPlans;
    this.seatCharges = seatCharges;
    this.entries = entries;
  }
}
