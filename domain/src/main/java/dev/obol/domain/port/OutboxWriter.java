package dev.obol.domain.port;

import dev.obol.domain.model.Notification;

/** The writing end of the {@link Outbox}: events committed (or not) with the change they announce. */
public interface OutboxWriter {

  /** Adds an event to the outbox, committed (or not) with everything else in this transaction. */
  void publish(Notification notification);
}
