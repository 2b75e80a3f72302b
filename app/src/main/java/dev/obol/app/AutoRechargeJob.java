package dev.obol.app;

import dev.obol.domain.service.AutoRechargeService;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands requested recharges (the recharge outbox) to Stripe: right after the write that requested one commits (woken
 * by {@link RechargeWakeup}), and every {@code obol.auto-recharge.dispatch-interval} for what a crash, a stop or an
 * unreachable Stripe left behind. Every run is on one thread, so runs never overlap in this instance; the outbox's
 * claims keep instances apart, and Stripe's idempotency key makes any repeat charge once.
 */
@Singleton
public class AutoRechargeJob {

  /** Recharges per run; a full batch runs again at once. */
  static final int BATCH = 50;

  private static final Logger LOG = LoggerFactory.getLogger(AutoRechargeJob.class);

  private final AutoRechargeService recharges;
  private final JobRun runs = new JobRun(LOG, "auto-recharge dispatch");
  private final AtomicBoolean queued = new AtomicBoolean();
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "auto-recharge");
            t.setDaemon(true);
            return t;
          });

  public AutoRechargeJob(AutoRechargeService recharges, RechargeWakeup wakeup) {
    this.recharges = recharges;
    wakeup.onRequest(this::nudge);
  }

  @Scheduled(
      fixedDelay = "${obol.auto-recharge.dispatch-interval:10s}",
      initialDelay = "${obol.auto-recharge.dispatch-interval:10s}")
  void run() {
    nudge();
  }

  /** Queues one run unless one is queued already (a run that starts later sees every recharge requested before). */
  void nudge() {
    if (!queued.compareAndSet(false, true)) {
      return;
    }
    try {
      thread.execute(
          () -> {
            queued.set(false);
            Integer answered = runs.run(recharges::dispatchDue);
            if (answered != null && answered > 0) {
              LOG.info("auto-recharge: {} recharge(s) handed to Stripe and answered", answered);
            }
            if (answered != null && answered >= BATCH) {
              nudge();
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException stopping) {
      queued.set(false); // shutting down: the outbox keeps it for the next start
    }
  }

  /** A run in flight finishes (its Stripe call is bounded by stripe-java's timeouts); nothing queued is lost. */
  @PreDestroy
  void stop() throws InterruptedException {
    thread.shutdown();
    thread.awaitTermination(10, TimeUnit.SECONDS);
  }
}
