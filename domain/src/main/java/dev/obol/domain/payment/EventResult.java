package dev.obol.domain.payment;

/** The answer to one delivery of an event. Both are acknowledged to the provider. */
public sealed interface EventResult {

  record Processed(EventOutcome outcome) implements EventResult {}

  /** The event id was processed before: nothing done again. */
  record Duplicate() implements EventResult {}
}
