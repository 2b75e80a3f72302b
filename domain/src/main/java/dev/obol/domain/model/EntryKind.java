package dev.obol.domain.model;

public enum EntryKind {
  GRANT,
  DEBIT,
  /** A hold reserves part of a grant: amount 0, held change +. */
  HOLD,
  /** A hold's amount (or part of it) debited: amount −, held change − (0 for an overage beyond the hold). */
  CAPTURE,
  /** A hold's amount (or the rest of it) given back: amount 0, held change −. */
  RELEASE,
  REVERSAL,
  EXPIRY,
  FEE,
  CLAWBACK,
  ADJUSTMENT
}
