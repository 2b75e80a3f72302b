package dev.obol.domain.model;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A domain event for the outside world, written to the outbox in the same transaction as the change it reports, so it
 * exists exactly when the change does.
 *
 * @param data flat values only (String, Long, Boolean), in a stable order
 */
public record Notification(
    String eventId, AccountId accountId, NotificationType type, Instant createdAt, Map<String, Object> data) {

  public Notification {
    Validate.required("event_id", eventId);
    Validate.required("account_id", accountId);
    Validate.required("type", type);
    Validate.required("created_at", createdAt);
    data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
  }

  /** Builds the data map in insertion order, skipping nulls. */
  public static Map<String, Object> data(Object... keysAndValues) {
    Map<String, Object> data = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
      if (keysAndValues[i + 1] != null) {
        data.put((String) keysAndValues[i], keysAndValues[i + 1]);
      }
    }
    return data;
  }
}
