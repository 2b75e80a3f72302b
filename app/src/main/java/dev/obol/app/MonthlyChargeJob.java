package dev.obol.app;

import dev.obol.domain.model.ChargePeriod;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.usecase.AccountUseCases;
import dev.obol.domain.usecase.ChargeRunSummary;
import dev.obol.domain.usecase.MonthlyChargeCommand;
import io.micronaut.context.annotation.Property;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the monthly seat-fee charges on a cron schedule (default: the 1st of each month, 00:00 UTC), through the same
 * use case as the RunMonthlyCharges admin RPC. Every instance may run it: the request id is the period's, and each
 * account is charged at most once per period anyway, so a second instance (or a re-run after a crash) only skips.
 */
@Singleton
public class MonthlyChargeJob {

  private static final Logger LOG = LoggerFactory.getLogger(MonthlyChargeJob.class);

  private final AccountUseCases accounts;
  private final Clock clock;
  private final boolean enabled;
  private final JobRun runs =
      new JobRun(LOG, "monthly charges (re-run RunMonthlyCharges if this persists: charged accounts are skipped)");
  /** The time of the run skipped for an unavailable database, retried every minute; null when none is. */
  private Instant skippedAsOf;

  public MonthlyChargeJob(
      AccountUseCases accounts,
      Clock clock,
      @Property(name = "obol.seat-fee.charge-enabled", defaultValue = "true") boolean enabled) {
    this.accounts = accounts;
    this.clock = clock;
    this.enabled = enabled;
  }

  @Scheduled(cron = "${obol.seat-fee.charge-cron:0 0 0 1 * *}", zoneId = "UTC")
  synchronized void run() {
    if (!enabled) {
      return;
    }
    charge(clock.instant());
  }

  /**
   * A run skipped because the database was unavailable is not left for next month: it is tried again every minute
   * until it works (safe: the run's request id is the period's and each account is charged at most once per period).
   */
  @Scheduled(fixedDelay = "1m", initialDelay = "1m")
  synchronized void retrySkipped() {
    if (enabled && skippedAsOf != null) {
      charge(skippedAsOf);
    }
  }

  private void charge(Instant asOf) {
    ChargeRunSummary summary =
        runs.run(
            () ->
                accounts.runMonthlyCharges(
                    new MonthlyChargeCommand(asOf, RequestId.of("scheduled-" + ChargePeriod.containing(asOf)))));
    skippedAsOf = runs.lastSkipped() ? asOf : null;
    if (summary != null) {
      LOG.info(
          "monthly charges {}: {} charged, {} failed (owed), {} skipped, {} errored",
          summary.period(),
          summary.charged(),
          summary.failed(),
          summary.skipped(),
          summary.errored());
    }
  }
}
