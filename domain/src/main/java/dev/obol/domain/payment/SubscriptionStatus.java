package dev.obol.domain.payment;

public enum SubscriptionStatus {
  ACTIVE,
  /** The last invoice failed; no new quota until one is paid. */
  PAST_DUE,
  /** Deleted at the provider: no further quota periods, ever. */
  ENDED
}
