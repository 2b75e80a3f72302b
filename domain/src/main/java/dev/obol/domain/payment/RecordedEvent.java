package dev.obol.domain.payment;

/**
 * A provider event as stored: its raw payload and the outcome of its last processing.
 *
 * @param payload the raw body, exactly as signed
 */
public record RecordedEvent(String eventId, String type, String payload, EventOutcome outcome) {}
