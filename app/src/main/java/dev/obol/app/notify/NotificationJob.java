package dev.obol.app.notify;

import dev.obol.domain.service.NotificationRelay;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Polls the outbox and delivers what is due. Every instance runs it; the outbox's claims keep them apart. */
@Singleton
public class NotificationJob {

  private static final Logger LOG = LoggerFactory.getLogger(NotificationJob.class);

  private final NotificationRelay relay;

  public NotificationJob(NotificationRelay relay) {
    this.relay = relay;
  }

  @Scheduled(fixedDelay = "${obol.notify.poll-interval:5s}", initialDelay = "${obol.notify.poll-interval:5s}")
  void run() {
    try {
      int delivered = relay.deliverDue();
      if (delivered > 0) {
        LOG.debug("notifications: {} delivered", delivered);
      }
    } catch (RuntimeException e) {
      LOG.error("notification delivery failed; next poll retries", e);
    }
  }

  /** Deletes events delivered longer ago than {@code obol.notify.retention}; undelivered ones stay. */
  @Scheduled(fixedDelay = "1h", initialDelay = "1m")
  void purge() {
    try {
      int purged = relay.purgeDelivered();
      if (purged > 0) {
        LOG.info("notifications: {} delivered event(s) past their retention deleted", purged);
      }
    } catch (RuntimeException e) {
      LOG.error("notification purge failed; next run retries", e);
    }
  }
}
