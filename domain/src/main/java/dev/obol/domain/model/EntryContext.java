package dev.obol.domain.model;

import java.time.Instant;

/** What the entries of one operation share. */
public record EntryContext(
    String feature, String reason, String requestId, String operationId, Instant at) {

  public static EntryContext of(String requestId, String operationId, Instant at) {
    return new EntryContext(null, null, requestId, operationId, at);
  }

  public EntryContext withReason(String newReason) {
    return new EntryContext(feature, newReason, requestId, operationId, at);
  }
}
