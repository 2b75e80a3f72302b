package dev.obol.domain.model;

public enum EntryKind {
  GRANT,
  DEBIT,
  HOLD,
  CAPTURE,
  RELEASE,
  REVERSAL,
  EXPIRY,
  FEE,
  CLAWBACK,
  ADJUSTMENT
}
