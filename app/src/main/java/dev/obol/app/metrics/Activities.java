package dev.obol.app.metrics;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.DenialReason;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.payment.EventOutcome;
import dev.obol.domain.port.Activity;
import dev.obol.domain.usecase.ChargeOutcome;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells each of several {@link Activity} implementations; one failing never keeps the others from hearing. */
public final class Activities implements Activity {

  private static final Logger LOG = LoggerFactory.getLogger(Activities.class);

  private final List<Activity> all;

  public Activities(List<Activity> all) {
    this.all = List.copyOf(all);
  }

  @Override
  public void debited(
      AccountId accountId, Asset asset, String feature, long cost, long balanceAfter, String requestId,
      String debitId) {
    each(a -> a.debited(accountId, asset, feature, cost, balanceAfter, requestId, debitId));
  }

  @Override
  public void debitDenied(
      AccountId accountId, Asset asset, String feature, long cost, DenialReason reason, String requestId) {
    each(a -> a.debitDenied(accountId, asset, feature, cost, reason, requestId));
  }

  @Override
  public void granted(
      AccountId accountId, Asset asset, GrantSource source, long amount, String reason, String grantId,
      String requestId) {
    each(a -> a.granted(accountId, asset, source, amount, reason, grantId, requestId));
  }

  @Override
  public void reversed(AccountId accountId, Asset asset, long amount, String debitId, String requestId) {
    each(a -> a.reversed(accountId, asset, amount, debitId, requestId));
  }

  @Override
  public void monthlyCharge(AccountId accountId, ChargeOutcome.Kind outcome) {
    each(a -> a.monthlyCharge(accountId, outcome));
  }

  @Override
  public void monthlyChargeErrored(AccountId accountId) {
    each(a -> a.monthlyChargeErrored(accountId));
  }

  @Override
  public void webhookEvent(String type, EventOutcome.Code outcome) {
    each(a -> a.webhookEvent(type, outcome));
  }

  @Override
  public void autoRechargeRequested(AccountId accountId, long sequence) {
    each(a -> a.autoRechargeRequested(accountId, sequence));
  }

  private void each(Consumer<Activity> call) {
    for (Activity activity : all) {
      try {
        call.accept(activity);
      } catch (RuntimeException e) {
        // The write is committed already: a broken meter or log must not turn it into an error.
        LOG.warn("activity {} failed", activity.getClass().getSimpleName(), e);
      }
    }
  }
}
