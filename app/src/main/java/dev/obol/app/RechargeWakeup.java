package dev.obol.app;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.port.Activity;
import jakarta.inject.Singleton;

/**
 * Told (after the commit) that a write requested a recharge, it wakes the {@link AutoRechargeJob} so the charge is
 * handed to Stripe at once rather than at the next scheduled run. Losing a wake-up loses nothing: the scheduled run
 * finds the recharge in the outbox.
 */
@Singleton
public class RechargeWakeup implements Activity {

  private volatile Runnable listener = () -> {};

  void onRequest(Runnable listener) {
    this.listener = listener;
  }

  @Override
  public void autoRechargeRequested(AccountId accountId, long sequence) {
    listener.run();
  }
}
