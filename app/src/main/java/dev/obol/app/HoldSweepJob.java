package dev.obol.app;

import dev.obol.domain.service.HoldService;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases holds past their {@code expires_at} (RELEASE entries). Capture already refuses them, swept or not; the
 * sweep gives the credit back to the available balance.
 */
@Singleton
public class HoldSweepJob {

  private static final Logger LOG = LoggerFactory.getLogger(HoldSweepJob.class);

  private final HoldService holds;
  private final JobRun runs = new JobRun(LOG, "hold sweep");

  public HoldSweepJob(HoldService holds) {
    this.holds = holds;
  }

  @Scheduled(fixedDelay = "${obol.holds.sweep-interval:30s}", initialDelay = "${obol.holds.sweep-interval:30s}")
  void run() {
    Integer released = runs.run(holds::releaseExpired);
    if (released != null && released > 0) {
      LOG.info("hold sweep: {} expired hold(s) released", released);
    }
  }
}
