package dev.obol.domain.service;

import dev.obol.domain.payment.EventOutcome;
import dev.obol.domain.payment.EventOutcome.Code;
import dev.obol.domain.payment.PaymentEvent.AutoRechargeFailed;
import dev.obol.domain.payment.PaymentEvent.AutoRechargePaid;
import dev.obol.domain.payment.PaymentEvent.PaymentMethodSaved;
import dev.obol.domain.payment.PaymentEvent.PurchasePaid;
import dev.obol.domain.payment.RechargeAttempt;
import dev.obol.domain.port.PaymentSession;
import java.util.Optional;

/**
 * The provider's events about auto-recharge, on the locked account inside the event's transaction: a paid recharge
 * grants once, exactly as a purchase (by its payment intent, so a duplicated or late success grants nothing more, and
 * refunds and disputes find it), and settles the recharge; a failed one backs off; a saved payment method is recorded.
 */
public final class AutoRechargeEvents {

  private final PurchaseEvents purchases;
  private final AutoRechargeTrigger trigger;

  public AutoRechargeEvents(PurchaseEvents purchases, AutoRechargeTrigger trigger) {
    this.purchases = purchases;
    this.trigger = trigger;
  }

  public EventOutcome paid(PaymentSession session, AutoRechargePaid paid, EventContext context) {
    // Money that arrived is granted whatever became of the recharge since (failed, superseded, turned off).
    EventOutcome granted =
        purchases.paid(
            session,
            new PurchasePaid(
                paid.accountId(),
                paid.paymentIntentId(),
                paid.paymentIntentId(),
                paid.kind(),
                paid.pack(),
                paid.grantAmount(),
                paid.paidCents(),
                paid.currency()),
            context);
    Optional<RechargeAttempt> attempt = session.wallet().findRechargeAttempt(paid.sequence());
    attempt.ifPresent(a -> trigger.succeeded(session.wallet(), a, paid.paymentIntentId(), context.now()));
    return EventOutcome.of(granted.code(), "auto-recharge " + paid.sequence() + ": " + granted.detail());
  }

  public EventOutcome failed(PaymentSession session, AutoRechargeFailed failed, EventContext context) {
    Optional<RechargeAttempt> attempt = session.wallet().findRechargeAttempt(failed.sequence());
    if (attempt.isEmpty()) {
      return EventOutcome.ignored("no auto-recharge " + failed.sequence() + " on this account");
    }
    if (!trigger.failed(session.wallet(), attempt.get(), failed.paymentIntentId(), failed.reason(), context.now())) {
      return EventOutcome.of(
          Code.RECHARGE_ALREADY_SETTLED,
          "auto-recharge " + failed.sequence() + " was settled already (" + attempt.get().status() + ")");
    }
    return EventOutcome.of(
        Code.RECHARGE_FAILED, "auto-recharge " + failed.sequence() + " failed: " + failed.reason());
  }

  public EventOutcome paymentMethodSaved(PaymentSession session, PaymentMethodSaved saved, EventContext context) {
    session.savePaymentMethod(saved.customerId(), saved.paymentMethodId(), context.now());
    return EventOutcome.of(
        Code.PAYMENT_METHOD_SAVED,
        "payment method " + saved.paymentMethodId() + " of customer " + saved.customerId() + " saved");
  }
}
