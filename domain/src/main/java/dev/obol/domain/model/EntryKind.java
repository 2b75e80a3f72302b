package dev.obol.domain.model;

public enum EntryKind {
  GRANT,
  DEBIT,
  // HOLD, CAPTURE and RELEASE are written by nothing yet: kept for the holds issue (reserve, then capture or release),
  // with WalletView's held amount (0 until then), so stored kinds and the proto enum need not change when it lands.
  HOLD,
  CAPTURE,
  RELEASE,
  REVERSAL,
  EXPIRY,
  FEE,
  CLAWBACK,
  ADJUSTMENT
}
