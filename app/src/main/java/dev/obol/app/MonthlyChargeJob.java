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

  public MonthlyChargeJob(
      AccountUseCases accounts,
      Clock clock,
      @Property(name = "obol.seat-fee.charge-enabled", defaultValue = "true") boolean enabled) {
    this.accounts = accounts;
    this.clock = clock;
    this.enabled = enabled;
  }

  @Scheduled(cron = "${obol.seat-fee.charge-cron:0 0 0 1 * *}", zoneId = "UTC")
  void run() {
    if (!enabled) {
      return;
    }
    Instant now = clock.instant();
    try {
      ChargeRunSummary summary =
          accounts.runMonthlyCharges(
              new MonthlyChargeCommand(now, RequestId.of("scheduled-" + ChargePeriod.containing(now))));
      LOG.info(
          "monthly charges {}: {} charged, {} failed (owed), {} skipped, {} errored",
          summary.period(),
          summary.charged(),
          summary.failed(),
          summary.skipped(),
          summary.errored());
    } catch (RuntimeException e) {
      LOG.error("monthly charges failed part-way; re-run RunMonthlyCharges (already charged accounts are skipped)", e);
    }
  }
}
