package dev.obol.domain.port;

import dev.obol.domain.port.Outbox.PendingNotification;

/** Sends one notification to one endpoint (signed HTTP POST in production). */
public interface NotificationSender {

  /** @return null when the endpoint accepted it (2xx), else what went wrong (kept as the outbox row's last error) */
  String send(String endpoint, PendingNotification notification);
}
