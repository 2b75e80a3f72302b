package dev.obol.domain.payment;

import java.time.Instant;

/**
 * A verified provider event as received, stored verbatim with its outcome.
 *
 * @param payload the raw body, exactly as signed
 * @param createdAt when the provider created the event
 */
public record ReceivedEvent(String eventId, String type, String payload, Instant createdAt) {}
