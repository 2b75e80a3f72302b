package dev.obol.domain.service;

import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.error.NotFoundException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.EntryContext;
import dev.obol.domain.model.EntryKind;
import dev.obol.domain.model.Grant;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.Wallet;
import dev.obol.domain.payment.Clawback;
import dev.obol.domain.payment.EventOutcome;
import dev.obol.domain.payment.EventOutcome.Code;
import dev.obol.domain.payment.EventResult;
import dev.obol.domain.payment.Payment;
import dev.obol.domain.payment.PaymentEvent;
import dev.obol.domain.payment.PaymentEvent.DisputeWon;
import dev.obol.domain.payment.PaymentEvent.PaymentReversed;
import dev.obol.domain.payment.PaymentEvent.PurchaseFailed;
import dev.obol.domain.payment.PaymentEvent.PurchasePaid;
import dev.obol.domain.payment.PaymentEvent.PurchasePending;
import dev.obol.domain.payment.PaymentEvent.SubscriptionCheckoutCompleted;
import dev.obol.domain.payment.PaymentEvent.SubscriptionEnded;
import dev.obol.domain.payment.PaymentEvent.SubscriptionInvoicePaid;
import dev.obol.domain.payment.PaymentEvent.SubscriptionPaymentFailed;
import dev.obol.domain.payment.PaymentKind;
import dev.obol.domain.payment.PlanTerms;
import dev.obol.domain.payment.QuotaPeriod;
import dev.obol.domain.payment.QuotaSchedule;
import dev.obol.domain.payment.QuotaSchedule.Window;
import dev.obol.domain.payment.ReceivedEvent;
import dev.obol.domain.payment.Subscription;
import dev.obol.domain.payment.SubscriptionStatus;
import dev.obol.domain.port.in.GrantCommand;
import dev.obol.domain.port.in.GrantReceipt;
import dev.obol.domain.port.in.PaymentEventUseCases;
import dev.obol.domain.port.out.AccountStore.LockMode;
import dev.obol.domain.port.out.PaymentEventParser;
import dev.obol.domain.port.out.PaymentSession;
import dev.obol.domain.port.out.PaymentStore;
import dev.obol.domain.port.out.PaymentStore.Processing;
import dev.obol.domain.port.out.PaymentStore.SubscriptionRef;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What provider events do to accounts. Each event is processed once (deduplicated on its id) in one transaction with
 * its ledger writes; each grant is unique by its provider object (a checkout session or an invoice), so events in any
 * order and number grant exactly once.
 */
public final class PaymentEventService implements PaymentEventUseCases {

  /** Subscriptions per scheduler run: bounded so one run never holds a huge list; the next run continues. */
  public static final int SCHEDULER_BATCH_SIZE = 500;

  private final PaymentStore store;
  private final PaymentEventParser parser;
  private final GrantWriter grants;
  private final QuotaPolicy quota;
  private final Clock clock;

  /** @param parser reads stored payloads again when an operator reprocesses an event */
  public PaymentEventService(PaymentStore store, GrantWriter grants, PaymentEventParser parser, Clock clock) {
    this.store = store;
    this.parser = parser;
    this.grants = grants;
    this.quota = new QuotaPolicy(grants);
    this.clock = clock;
  }

  @Override
  public EventResult handle(ReceivedEvent received, PaymentEvent event) {
    Processing processing = processing(received.eventId(), event);
    Optional<EventOutcome> outcome =
        store.processOnce(
            received,
            processing.accountId(),
            processing.mode(),
            processing.work(),
            processing.outcomeWithoutAccount());
    return outcome.<EventResult>map(EventResult.Processed::new).orElseGet(EventResult.Duplicate::new);
  }

  /**
   * Reads the stored payload again with the current code and processes it exactly like a delivery (same request id,
   * same transaction with its effects). Only an event that wrote nothing (IGNORED, UNREADABLE) is applied; any other
   * outcome stands, so no effect is ever applied twice. The event's row is locked first, so two reprocesses, or a
   * reprocess and a redelivery, of one event never both apply it.
   */
  @Override
  public EventOutcome reprocess(String eventId) {
    if (eventId == null || eventId.isBlank()) {
      throw new InvalidArgumentException("event_id", "MISSING_FIELD", "event_id is required");
    }
    return store
        .reprocessOnce(
            eventId,
            stored ->
                stored.outcome().code().reprocessable()
                    ? Optional.of(processing(stored.eventId(), parser.parse(stored.payload())))
                    : Optional.empty())
        .orElseThrow(() -> new NotFoundException("EVENT_NOT_FOUND", "no Stripe event " + eventId + " is stored"));
  }

  /** What processing the event does: which account it locks (and may create), and the work under that lock. */
  private Processing processing(String eventId, PaymentEvent event) {
    Optional<EventOutcome> refused = refusal(event);
    if (refused.isPresent()) {
      // Decided before any account is locked: a refused input creates nothing, not even an empty account.
      return new Processing(null, LockMode.EXISTING, session -> refused.get(), refused.get());
    }
    Instant now = now();
    RequestId requestId = RequestId.of("stripe:" + eventId);
    AccountId accountId = event.accountId();
    // Refunds and disputes name a payment, not always an account: the stored payment tells whose it is.
    String paymentIntentId =
        event instanceof PaymentReversed reversed
            ? reversed.paymentIntentId()
            : event instanceof DisputeWon won ? won.paymentIntentId() : null;
    if (accountId == null && paymentIntentId != null) {
      accountId = store.accountOfPaymentIntent(paymentIntentId).orElse(null);
    }
    boolean creates =
        event instanceof PurchasePaid
            || event instanceof SubscriptionCheckoutCompleted
            || event instanceof SubscriptionInvoicePaid;
    // Money that arrived is never lost: a paid event creates the account if Obol has not seen it yet (accounts are
    // created on first use, as by the Grant RPC). Other events only concern accounts that exist.
    LockMode mode = creates ? LockMode.CREATE_IF_MISSING : LockMode.EXISTING;
    return new Processing(
        accountId,
        mode,
        session -> {
          // Pending and failed purchases write nothing, so they need no account; the rest do.
          boolean writes = !(event instanceof PurchasePending || event instanceof PurchaseFailed);
          if (writes && session.wallet().account().isEmpty()) {
            return EventOutcome.ignored("account unknown to Obol");
          }
          return apply(session, event, requestId, now);
        },
        EventOutcome.ignored("no Obol payment found for this event"));
  }

  /** The outcome of an event that must write nothing at all, decided from the event alone; empty when it may write. */
  private static Optional<EventOutcome> refusal(PaymentEvent event) {
    if (event instanceof PaymentEvent.Unreadable unreadable) {
      return Optional.of(EventOutcome.unreadable(unreadable.why()));
    }
    if (event instanceof PaymentEvent.Unusable unusable) {
      return Optional.of(EventOutcome.ignored(unusable.why()));
    }
    if (event instanceof PaymentEvent.Irrelevant) {
      return Optional.of(EventOutcome.ignored("event type not used by Obol"));
    }
    if (event instanceof PurchasePaid paid && (paid.grantAmount() <= 0 || paid.paidAmount() < 0)) {
      return Optional.of(
          EventOutcome.ignored(
              "session " + paid.sessionId() + " grants nothing (amount " + paid.grantAmount() + ", paid "
                  + paid.paidAmount() + ")"));
    }
    return Optional.empty();
  }

  private EventOutcome apply(PaymentSession session, PaymentEvent event, RequestId requestId, Instant now) {
    // Java 17: no pattern matching in switch yet; the sealed hierarchy keeps this list complete.
    if (event instanceof PurchasePaid paid) {
      return purchasePaid(session, paid, requestId, now);
    }
    if (event instanceof PurchasePending pending) {
      return session.findPayment(pending.sessionId()).isPresent()
          ? EventOutcome.of(Code.ALREADY_GRANTED, "session " + pending.sessionId() + " was granted already")
          : EventOutcome.of(Code.AWAITING_PAYMENT, "session " + pending.sessionId() + " awaits its payment");
    }
    if (event instanceof PurchaseFailed failed) {
      return EventOutcome.of(
          Code.PAYMENT_FAILED, "payment of session " + failed.sessionId() + " failed; nothing granted");
    }
    if (event instanceof SubscriptionCheckoutCompleted completed) {
      return linkSubscription(session, completed, now);
    }
    if (event instanceof SubscriptionInvoicePaid paid) {
      return invoicePaid(session, paid, requestId, now);
    }
    if (event instanceof SubscriptionPaymentFailed failed) {
      return paymentFailed(session, failed, now);
    }
    if (event instanceof SubscriptionEnded ended) {
      return subscriptionEnded(session, ended, now);
    }
    if (event instanceof PaymentReversed reversed) {
      return clawBack(session, reversed, requestId, now);
    }
    if (event instanceof DisputeWon won) {
      return restore(session, won, requestId, now);
    }
    // Unreadable, Unusable and Irrelevant events are refused before the account is locked (refusal).
    throw new IllegalStateException("a refused event reached the account: " + event.getClass().getSimpleName());
  }

  // ---- one-time purchases ----------------------------------------------------------------------------------------

  private EventOutcome purchasePaid(PaymentSession session, PurchasePaid paid, RequestId requestId, Instant now) {
    if (session.findPayment(paid.sessionId()).isPresent()) {
      return EventOutcome.of(Code.ALREADY_GRANTED, "session " + paid.sessionId() + " was granted already");
    }
    PaymentKind kind = paid.kind();
    String reason = kind == PaymentKind.TOKEN_PACK ? "token_pack:" + paid.pack() : "top_up";
    GrantReceipt receipt =
        grants.write(
            session.wallet(),
            new GrantCommand(
                paid.accountId(),
                kind.asset(),
                paid.grantAmount(),
                kind.source(),
                null,
                null,
                paid.sessionId(),
                reason,
                requestId),
            now);
    session.insertPayment(
        new Payment(
            paid.accountId(),
            paid.sessionId(),
            kind,
            paid.paymentIntentId(),
            receipt.grantId(),
            kind.asset(),
            paid.grantAmount(),
            paid.paidAmount(),
            paid.currency(),
            0,
            0,
            0,
            now));
    return EventOutcome.of(
        Code.GRANTED, "granted " + paid.grantAmount() + " " + kind.asset() + " as " + receipt.grantId());
  }

  // ---- subscriptions ---------------------------------------------------------------------------------------------

  private EventOutcome linkSubscription(PaymentSession session, SubscriptionCheckoutCompleted completed, Instant now) {
    Subscription subscription =
        session
            .findSubscription(completed.subscriptionId())
            .map(existing -> existing.withCustomer(completed.customerId(), now))
            .orElseGet(
                () ->
                    Subscription.linked(
                        completed.accountId(),
                        completed.subscriptionId(),
                        completed.customerId(),
                        completed.terms(),
                        now));
    session.saveSubscription(subscription);
    return EventOutcome.of(
        Code.SUBSCRIPTION_LINKED, "subscription " + completed.subscriptionId() + " (" + completed.terms().plan() + ")");
  }

  private EventOutcome invoicePaid(
      PaymentSession session, SubscriptionInvoicePaid paid, RequestId requestId, Instant now) {
    if (session.findPayment(paid.invoiceId()).isPresent()) {
      return EventOutcome.of(Code.ALREADY_GRANTED, "invoice " + paid.invoiceId() + " was granted already");
    }
    Subscription subscription =
        subscription(session, paid.accountId(), paid.subscriptionId(), paid.terms(), now)
            .withCustomer(paid.customerId(), now)
            .withStatus(SubscriptionStatus.ACTIVE, now);
    // Stored before its quota period, which refers to it.
    session.saveSubscription(subscription);
    Optional<Window> window = QuotaSchedule.windowAt(paid.periodStart(), paid.periodEnd(), now);
    String grantId = null;
    long granted = 0;
    EventOutcome outcome;
    Instant nextPeriodAt = null;
    if (window.isEmpty()) {
      outcome = EventOutcome.of(Code.QUOTA_PERIOD_SKIPPED, "the invoice's period ended at " + paid.periodEnd());
    } else {
      QuotaPolicy.Outcome started =
          quota.start(session, subscription, window.get(), paid.initial(), paid.invoiceId(), requestId, now);
      nextPeriodAt = QuotaSchedule.nextStart(window.get(), paid.periodEnd()).orElse(null);
      if (started instanceof QuotaPolicy.Started s) {
        grantId = s.period().quotaGrantId();
        granted = subscription.terms().monthlyTokens();
        outcome =
            EventOutcome.of(
                Code.QUOTA_PERIOD_STARTED,
                "period " + s.period().periodStart() + " to " + s.period().periodEnd() + ": " + granted
                    + " tokens, " + s.expired() + " expired, " + s.carried() + " carried");
      } else {
        outcome = EventOutcome.of(Code.QUOTA_PERIOD_SKIPPED, ((QuotaPolicy.Skipped) started).why());
      }
    }
    session.saveSubscription(subscription.withPaidPeriod(paid.periodStart(), paid.periodEnd(), nextPeriodAt, now));
    session.insertPayment(
        new Payment(
            paid.accountId(),
            paid.invoiceId(),
            PaymentKind.SUBSCRIPTION_INVOICE,
            null,
            grantId,
            PaymentKind.SUBSCRIPTION_INVOICE.asset(),
            granted,
            paid.paidAmount(),
            null,
            0,
            0,
            0,
            now));
    return outcome;
  }

  private EventOutcome paymentFailed(PaymentSession session, SubscriptionPaymentFailed failed, Instant now) {
    if (session.findPayment(failed.invoiceId()).isPresent()) {
      // A retry of the invoice succeeded and was delivered first: the failure is old news.
      return EventOutcome.ignored("invoice " + failed.invoiceId() + " has been paid since");
    }
    Subscription subscription = subscription(session, failed.accountId(), failed.subscriptionId(), failed.terms(), now);
    session.saveSubscription(subscription.withStatus(SubscriptionStatus.PAST_DUE, now));
    return EventOutcome.of(Code.PAST_DUE, "subscription " + failed.subscriptionId() + " is past due");
  }

  private EventOutcome subscriptionEnded(PaymentSession session, SubscriptionEnded ended, Instant now) {
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

  // ---- refunds and disputes --------------------------------------------------------------------------------------

  private EventOutcome clawBack(PaymentSession session, PaymentReversed reversed, RequestId requestId, Instant now) {
    Optional<Payment> found =
        reversed.paymentIntentId() == null
            ? Optional.empty()
            : session.findPaymentByIntent(reversed.paymentIntentId());
    if (found.isEmpty()) {
      return EventOutcome.ignored("no Obol payment for payment intent " + reversed.paymentIntentId());
    }
    Payment payment = found.get();
    if (payment.grantId() == null || payment.paidAmount() <= 0) {
      return EventOutcome.of(Code.NOTHING_TO_CLAW_BACK, "payment " + payment.providerId() + " granted nothing");
    }
    // Refund events carry the charge's cumulative amount refunded; a dispute carries its own amount.
    long reversedAmount =
        switch (reversed.kind()) {
          case REFUND -> Math.max(payment.reversedAmount(), reversed.reversedAmount());
          case DISPUTE -> Math.addExact(payment.reversedAmount(), reversed.reversedAmount());
        };
    reversedAmount = Math.min(reversedAmount, payment.paidAmount());
    Wallet wallet = session.wallet().loadWallet(payment.asset(), Set.of(payment.grantId()));
    wallet.expireDue(now, EntryContext.of(requestId.value(), null, now));
    Grant grant = wallet.grant(payment.grantId());
    long alreadyTargeted = Math.addExact(payment.clawedBack(), payment.shortfall());
    Clawback.Step step =
        Clawback.step(
            payment.grantedAmount(), payment.paidAmount(), reversedAmount, alreadyTargeted, grant.remaining());
    String reason = reversed.kind() == PaymentEvent.ReversalKind.REFUND ? "refund" : "dispute";
    if (step.taken() > 0) {
      wallet.takeFrom(
          grant.grantId(),
          step.taken(),
          EntryKind.CLAWBACK,
          new EntryContext(null, reason + ":" + reversed.reversalId(), requestId.value(), null, now));
    }
    if (wallet.hasChanges()) {
      session.wallet().save(wallet);
    }
    session.updateReversal(
        payment.withReversal(
            reversedAmount,
            Math.addExact(payment.clawedBack(), step.taken()),
            Math.addExact(payment.shortfall(), step.shortfall())));
    if (step.toTake() == 0) {
      return EventOutcome.of(Code.NOTHING_TO_CLAW_BACK, "nothing more to take back for " + payment.providerId());
    }
    return EventOutcome.of(
        Code.CLAWED_BACK,
        reason + " of " + reversedAmount + "/" + payment.paidAmount() + " cents: took back " + step.taken() + " "
            + payment.asset() + ", shortfall " + step.shortfall());
  }

  private EventOutcome restore(PaymentSession session, DisputeWon won, RequestId requestId, Instant now) {
    Optional<Payment> found = session.findPaymentByIntent(won.paymentIntentId());
    if (found.isEmpty()) {
      return EventOutcome.ignored("no Obol payment for payment intent " + won.paymentIntentId());
    }
    Payment payment = found.get();
    if (payment.grantId() == null || payment.paidAmount() <= 0) {
      return EventOutcome.of(Code.NOTHING_TO_RESTORE, "payment " + payment.providerId() + " granted nothing");
    }
    Clawback.Undo undo =
        Clawback.undo(
            payment.grantedAmount(),
            payment.paidAmount(),
            payment.reversedAmount(),
            won.amount(),
            payment.clawedBack(),
            payment.shortfall());
    if (undo.restored() > 0) {
      Wallet wallet = session.wallet().loadWallet(payment.asset(), Set.of(payment.grantId()));
      wallet.expireDue(now, EntryContext.of(requestId.value(), null, now));
      wallet.restore(
          payment.grantId(),
          undo.restored(),
          EntryKind.REVERSAL,
          new EntryContext(null, "dispute_won:" + won.disputeId(), requestId.value(), null, now));
      // What went back to a grant that has expired since expires with it (net zero, but explained).
      wallet.expireDue(now, EntryContext.of(requestId.value(), null, now));
      session.wallet().save(wallet);
    }
    session.updateReversal(
        payment.withReversal(
            undo.reversedAmount(),
            payment.clawedBack() - undo.restored(),
            payment.shortfall() - undo.shortfallForgiven()));
    if (undo.restored() == 0 && undo.shortfallForgiven() == 0) {
      return EventOutcome.of(Code.NOTHING_TO_RESTORE, "nothing was taken back for " + payment.providerId());
    }
    return EventOutcome.of(
        Code.RESTORED,
        "dispute " + won.disputeId() + " won: restored " + undo.restored() + " " + payment.asset()
            + ", shortfall forgiven " + undo.shortfallForgiven());
  }

  // ---- the yearly plans' later months ----------------------------------------------------------------------------

  @Override
  public int issueDueQuotaPeriods() {
    Instant now = now();
    List<SubscriptionRef> due = store.subscriptionsDue(now, SCHEDULER_BATCH_SIZE);
    int issued = 0;
    RuntimeException firstFailure = null;
    for (SubscriptionRef ref : due) {
      try {
        if (store.inTransaction(ref.accountId(), session -> issueDue(session, ref.subscriptionId(), now))) {
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

  private boolean issueDue(PaymentSession session, String subscriptionId, Instant now) {
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
    RequestId requestId =
        RequestId.of("quota:" + subscriptionId + ":" + window.get().start().getEpochSecond());
    QuotaPolicy.Outcome outcome =
        quota.start(session, subscription, window.get(), false, QuotaPeriod.SCHEDULED, requestId, now);
    Instant next = QuotaSchedule.nextStart(window.get(), subscription.paidUntil()).orElse(null);
    session.saveSubscription(subscription.withNextPeriodAt(next, now));
    return outcome instanceof QuotaPolicy.Started;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
