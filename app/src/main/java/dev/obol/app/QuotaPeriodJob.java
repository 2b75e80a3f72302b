package dev.obol.app;

import dev.obol.domain.usecase.PaymentEventUseCases;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issues the later monthly quota periods of yearly plans on their monthly anniversaries. Every instance may run it:
 * each period is issued at most once (account lock plus a unique key per subscription and period start).
 */
@Singleton
public class QuotaPeriodJob {

  private static final Logger LOG = LoggerFactory.getLogger(QuotaPeriodJob.class);

  private final PaymentEventUseCases payments;
  private final JobRun runs = new JobRun(LOG, "quota period run");

  public QuotaPeriodJob(PaymentEventUseCases payments) {
    this.payments = payments;
  }

  @Scheduled(
      fixedDelay = "${obol.payments.quota-schedule-interval:5m}",
      initialDelay = "${obol.payments.quota-schedule-interval:5m}")
  void run() {
    Integer issued = runs.run(payments::issueDueQuotaPeriods);
    if (issued != null && issued > 0) {
      LOG.info("quota periods: {} issued", issued);
    }
  }
}
