package dev.obol.app.notify;

import dev.obol.app.JobRun;
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
  private final JobRun deliveries = new JobRun(LOG, "notification delivery");
  private final JobRun purges = new JobRun(LOG, "notification purge");

  public NotificationJob(NotificationRelay relay) {
    this.relay = relay;
  }

  @Scheduled(fixedDelay = "${obol.notify.poll-interval:5s}", initialDelay = "${obol.notify.poll-interval:5s}")
  void run() {
    Integer delivered = deliveries.run(relay::deliverDue);
    if (delivered != null && delivered > 0) {
      LOG.debug("notifications: {} delivered", delivered);
    }
  }

  /** Deletes events delivered longer ago than {@code obol.notify.retention}; undelivered ones stay. */
  @Scheduled(fixedDelay = "1h", initialDelay = "1m")
  void purge() {
    Integer purged = purges.run(relay::purgeDelivered);
    if (purged != null && purged > 0) {
      LOG.info("notifications: {} delivered event(s) past their retention deleted", purged);
    }
  }
}
