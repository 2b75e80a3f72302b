package dev.obol.domain.service;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.payment.EventOutcome;
import dev.obol.domain.payment.EventOutcome.Code;
import dev.obol.domain.payment.Payment;
import dev.obol.domain.payment.PaymentEvent.SubscriptionCheckoutCompleted;
import dev.obol.domain.payment.PaymentEvent.SubscriptionEnded;
import dev.obol.domain.payment.PaymentEvent.SubscriptionInvoicePaid;
import dev.obol.domain.payment.PaymentEvent.SubscriptionPaymentFailed;
import dev.obol.domain.payment.PaymentKind;
import dev.obol.domain.payment.PlanTerms;
import dev.obol.domain.payment.QuotaPeriod;
import dev.obol.domain.payment.QuotaSchedule;
import dev.obol.domain.payment.QuotaSchedule.Window;
import dev.obol.domain.payment.Subscription;
import dev.obol.domain.payment.SubscriptionStatus;
import dev.obol.domain.port.PaymentSession;
import dev.obol.domain.port.Activity;
import dev.obol.domain.port.PaymentStore;
import dev.obol.domain.port.PaymentStore.SubscriptionRef;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Subscriptions and their monthly quota periods: a checkout links the subscription, a paid invoice starts the period
 * it pays for (once, by its invoice id), a failed one makes it past due, the end stops further periods; the yearly
 * plans' later months are issued by the scheduler ({@link #issueDueQuotaPeriods}). What a period does to the wallet is
 * {@link QuotaPolicy}'s rule.
 */
public final class SubscriptionEvents {

  /** Subscriptions per scheduler run: bounded so one run never holds a huge list; the next run continues. */
  public static final int SCHEDULER_BATCH_SIZE = 500;

  private final PaymentStore store;
  private final QuotaPolicy quota;
  private final Clock clock;

  /** @param store read across accounts by the scheduler, which opens one transaction per due subscription */
  private final Activity activity;

  public SubscriptionEvents(PaymentStore store, QuotaPolicy quota, Clock clock) {
    this(store, quota, clock, Activity.NONE);
  }

  /** @param activity told the grants of scheduled quota periods once each one's transaction committed */
  public SubscriptionEvents(PaymentStore store, QuotaPolicy quota, Clock clock, Activity activity) {
    this.activity = activity;
    this.store = store;
    this.quota = quota;
    this.clock = clock;
  }

  public EventOutcome checkoutCompleted(
      PaymentSession session, SubscriptionCheckoutCompleted completed, EventContext context) {
    Subscription subscription =
        session
            .findSubscription(completed.subscriptionId())
            .map(existing -> existing.withCustomer(completed.customerId(), context.now()))
            .orElseGet(
                () ->
                    Subscription.linked(
                        completed.accountId(),
                        completed.subscriptionId(),
                        completed.customerId(),
                        completed.terms(),
                        context.now()));
    session.saveSubscription(subscription);
    return EventOutcome.of(
        Code.SUBSCRIPTION_LINKED, "subscription " + completed.subscriptionId() + " (" + completed.terms().plan() + ")");
  }

  public EventOutcome invoicePaid(PaymentSession session, SubscriptionInvoicePaid paid, EventContext context) {
    if (session.findPayment(paid.invoiceId()).isPresent()) {
      return EventOutcome.of(Code.ALREADY_GRANTED, "invoice " + paid.invoiceId() + " was granted already");
    }
    Instant now = context.now();
    Subscription subscription =
        subscription(session, paid.accountId(), paid.subscriptionId(), paid.terms(), now)
            .withCustomer(paid.customerId(), now)
            .withStatus(SubscriptionStatus.ACTIVE, now);
    // Stored before its quota period, which refers to it.
    session.saveSubscription(subscription);
    Optional<Window> window = QuotaSchedule.windowAt(paid.periodStart(), paid.periodEnd(), now);
    String grantId = null;
    long grantedTokens = 0;
    EventOutcome outcome;
    Instant nextPeriodAt = null;
    if (window.isEmpty()) {
      outcome = EventOutcome.of(Code.QUOTA_PERIOD_SKIPPED, "the invoice's period ended at " + paid.periodEnd());
    } else {
      QuotaPolicy.Outcome started =
          quota.start(
              session, subscription, window.get(), paid.initial(), paid.invoiceId(), context.requestId(), now);
      nextPeriodAt = QuotaSchedule.nextStart(window.get(), paid.periodEnd()).orElse(null);
      if (started instanceof QuotaPolicy.Started s) {
        grantId = s.period().quotaGrantId();
        grantedTokens = subscription.terms().monthlyTokens();
        outcome =
            EventOutcome.of(
                Code.QUOTA_PERIOD_STARTED,
                "period " + s.period().periodStart() + " to " + s.period().periodEnd() + ": " + grantedTokens
                    + " tokens, " + s.expired() + " expired, " + s.carried() + " carried");
      } else {
        outcome = EventOutcome.of(Code.QUOTA_PERIOD_SKIPPED, ((QuotaPolicy.Skipped) started).why());
      }
    }
    session.saveSubscription(subscription.withPaidPeriod(paid.periodStart(), paid.periodEnd(), nextPeriodAt, now));
    session.insertPayment(
        Payment.newGrant(
            paid.accountId(),
            paid.invoiceId(),
            PaymentKind.SUBSCRIPTION_INVOICE,
            null,
            grantId,
            grantedTokens,
            paid.paidCents(),
            null,
            now));
    return outcome;
  }

  public EventOutcome paymentFailed(PaymentSession session, SubscriptionPaymentFailed failed, EventContext context) {
    if (session.findPayment(failed.invoiceId()).isPresent()) {
      // A retry of the invoice succeeded and was delivered first: the failure is old news.
      return EventOutcome.ignored("invoice " + failed.invoiceId() + " has been paid since");
    }
    Instant now = context.now();
    Subscription subscription = subscription(session, failed.accountId(), failed.subscriptionId(), failed.terms(), now);
    session.saveSubscription(subscription.withStatus(SubscriptionStatus.PAST_DUE, now));
    return EventOutcome.of(Code.PAST_DUE, "subscription " + failed.subscriptionId() + " is past due");
  }

  public EventOutcome ended(PaymentSession session, SubscriptionEnded ended, EventContext context) {
    Instant now = context.now();
    Subscription subscription = subscription(session, ended.accountId(), ended.subscriptionId(), ended.terms(), now);
    session.saveSubscription(subscription.withStatus(SubscriptionStatus.ENDED, now));
    return EventOutcome.of(
        Code.SUBSCRIPTION_ENDED, "subscription " + ended.subscriptionId() + " ended at " + ended.endedAt());
  }

  private static Subscription subscription(
      PaymentSession session, AccountId accountId, String subscriptionId, PlanTerms terms, Instant now) {
    return session
        .findSubscription(subscriptionId)
        .orElseGet(() -> Subscription.linked(accountId, subscriptionId, null, terms, now));
  }

  // ---- the yearly plans' later months ----------------------------------------------------------------------------

  /** @see dev.obol.domain.usecase.PaymentEventUseCases#issueDueQuotaPeriods() */
  public int issueDueQuotaPeriods() {
    Instant now = EventContext.now(clock);
    List<SubscriptionRef> due = store.subscriptionsDue(now, SCHEDULER_BATCH_SIZE);
    int issued = 0;
    RuntimeException firstFailure = null;
    for (SubscriptionRef ref : due) {
      try {
        // One transaction per subscription, each told on its own commit.
        boolean started =
            AfterCommit.around(
                activity,
                () ->
                    store.inTransaction(
                        ref.accountId(),
                        session -> {
                          AfterCommit.attempt();
                          return issueDue(session, ref.subscriptionId(), now);
                        }));
        if (started) {
          issued++;
        }
      } catch (RuntimeException e) {
        // One account's failure must not stop the others; the next run retries it.
        if (firstFailure == null) {
          firstFailure = e;
        } else {
          firstFailure.addSuppressed(e);
        }
      }
    }
    if (firstFailure != null) {
      throw firstFailure;
    }
    return issued;
  }

  /** Issues the subscription's due period, if still due; true when a period was started. */
  boolean issueDue(PaymentSession session, String subscriptionId, Instant now) {
    Optional<Subscription> found = session.findSubscription(subscriptionId);
    // Re-read under the account lock: another instance may have issued the period in the meantime.
    if (found.isEmpty() || found.get().nextPeriodAt() == null || found.get().nextPeriodAt().isAfter(now)) {
      return false;
    }
    Subscription subscription = found.get();
    Optional<Window> window =
        subscription.status() == SubscriptionStatus.ENDED || subscription.paidFrom() == null
            ? Optional.empty()
            : QuotaSchedule.windowAt(subscription.paidFrom(), subscription.paidUntil(), now);
    if (window.isEmpty()) {
      session.saveSubscription(subscription.withNextPeriodAt(null, now));
      return false;
    }
    RequestId requestId = RequestId.of("quota:" + subscriptionId + ":" + window.get().start().getEpochSecond());
    QuotaPolicy.Outcome outcome =
        quota.start(session, subscription, window.get(), false, QuotaPeriod.SCHEDULED, requestId, now);
    Instant next = QuotaSchedule.nextStart(window.get(), subscription.paidUntil()).orElse(null);
    session.saveSubscription(subscription.withNextPeriodAt(next, now));
    return outcome instanceof QuotaPolicy.Started;
  }
}
