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
  private final JobRun runs = new JobRun(LOG, "expiry sweep");

  public ExpiryJob(ExpirySweeper sweeper) {
    this.sweeper = sweeper;
  }

  @Scheduled(fixedDelay = "${obol.expiry.sweep-interval:1m}", initialDelay = "${obol.expiry.sweep-interval:1m}")
  void run() {
    Integer swept = runs.run(sweeper::sweep);
    if (swept != null && swept > 0) {
      LOG.info("expiry sweep: {} account(s) swept", swept);
    }
  }
}
