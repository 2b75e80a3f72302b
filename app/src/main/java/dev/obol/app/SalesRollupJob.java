package dev.obol.app;

import dev.obol.persistence.PostgresSalesReader;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Rolls up finished UTC days of debits for GetSalesSummary; a window's other days are read from the debits. */
@Singleton
public class SalesRollupJob {

  private static final Logger LOG = LoggerFactory.getLogger(SalesRollupJob.class);

  private final PostgresSalesReader reader;
  private final Clock clock;
  private final JobRun runs = new JobRun(LOG, "sales rollup");

  public SalesRollupJob(PostgresSalesReader reader, Clock clock) {
    this.reader = reader;
    this.clock = clock;
  }

  @Scheduled(fixedDelay = "${obol.sales.rollup-interval:10m}", initialDelay = "${obol.sales.rollup-interval:10m}")
  void run() {
    Integer days = runs.run(() -> reader.rollUp(clock.instant()));
    if (days != null && days > 0) {
      LOG.info("sales rollup: {} day(s) rolled up", days);
    }
  }
}
