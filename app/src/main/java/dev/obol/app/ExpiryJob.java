package dev.obol.app;

import dev.obol.domain.service.ExpirySweeper;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes EXPIRY entries for grants that expired (spending already skips them). */
@Singleton
public class ExpiryJob {

  private static final Logger LOG = LoggerFactory.getLogger(ExpiryJob.class);

  private final ExpirySweeper sweeper;

  public ExpiryJob(ExpirySweeper sweeper) {
    this.sweeper = sweeper;
  }

  @Scheduled(fixedDelay = "${obol.expiry.sweep-interval:1m}", initialDelay = "${obol.expiry.sweep-interval:1m}")
  void run() {
    try {
      int swept = sweeper.sweep();
      if (swept > 0) {
        LOG.info("expiry sweep: {} account(s) swept", swept);
      }
    } catch (RuntimeException e) {
      LOG.error("expiry sweep failed; next run retries", e);
    }
  }
}
