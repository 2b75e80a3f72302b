package dev.obol.domain.model;

/** What a capture of more than was held does. */
public enum Overage {
  /** Refused: FAILED_PRECONDITION CAPTURE_EXCEEDS_HOLD, the hold stays open. */
  REJECT,
  /** Captures the held amount, no more. */
  CAP,
  /** Takes the excess from the live balance too, or is refused like a debit when it is not there. */
  ALLOW
}
