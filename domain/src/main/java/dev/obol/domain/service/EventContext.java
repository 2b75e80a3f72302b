package dev.obol.domain.service;

import dev.obol.domain.model.RequestId;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What every write of one event carries: the request id its ledger entries and grants are recorded under, and the
 * time they are stamped with.
 */
public record EventContext(RequestId requestId, Instant now) {

  /** The context of a provider event: its request id is derived from the event id, so a retry writes the same. */
  public static EventContext ofEvent(String eventId, Clock clock) {
    return new EventContext(RequestId.of("stripe:" + eventId), now(clock));
  }

  /** The clock's time at the stored precision (microseconds), so what is written reads back equal. */
  static Instant now(Clock clock) {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
