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

  public QuotaPeriodJob(PaymentEventUseCases payments) {
    this.payments = payments;
  }

  @Scheduled(
      fixedDelay = "${obol.payments.quota-schedule-interval:5m}",
      initialDelay = "${obol.payments.quota-schedule-interval:5m}")
  void run() {
    try {
      int issued = payments.issueDueQuotaPeriods();
      if (issued > 0) {
        LOG.info("quota periods: {} issued", issued);
      }
    } catch (RuntimeException e) {
      LOG.error("quota period run failed; next run retries", e);
    }
  }
}
