package dev.obol.domain.model;

import java.util.Optional;

public enum AccountStatus {
  ACTIVE,
  /** A monthly charge could not be paid; it stays owed until a top-up covers it. */
  INSUFFICIENT_FUNDS,
  /** Set by an operator; only an operator lifts it. */
  SUSPENDED;

  /** Why a debit is refused on an account in this status; empty when debits are allowed. */
  public Optional<DenialReason> denialReason() {
    return switch (this) {
      case ACTIVE -> Optional.empty();
      case INSUFFICIENT_FUNDS -> Optional.of(DenialReason.ACCOUNT_INSUFFICIENT_FUNDS);
      case SUSPENDED -> Optional.of(DenialReason.ACCOUNT_SUSPENDED);
    };
  }
}
