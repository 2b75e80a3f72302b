package dev.obol.domain.model;

public enum DenialReason {
  INSUFFICIENT_BALANCE,
  ACCOUNT_SUSPENDED,
  ACCOUNT_INSUFFICIENT_FUNDS
}
