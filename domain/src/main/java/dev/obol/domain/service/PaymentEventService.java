package dev.obol.domain.service;

import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.error.NotFoundException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.payment.EventOutcome;
import dev.obol.domain.payment.EventResult;
import dev.obol.domain.payment.PaymentEvent;
import dev.obol.domain.payment.PaymentEvent.AutoRechargeFailed;
import dev.obol.domain.payment.PaymentEvent.AutoRechargePaid;
import dev.obol.domain.payment.PaymentEvent.DisputeWon;
import dev.obol.domain.payment.PaymentEvent.PaymentMethodSaved;
import dev.obol.domain.payment.PaymentEvent.Irrelevant;
import dev.obol.domain.payment.PaymentEvent.PaymentReversed;
import dev.obol.domain.payment.PaymentEvent.PurchaseFailed;
import dev.obol.domain.payment.PaymentEvent.PurchasePaid;
import dev.obol.domain.payment.PaymentEvent.PurchasePending;
import dev.obol.domain.payment.PaymentEvent.SubscriptionCheckoutCompleted;
import dev.obol.domain.payment.PaymentEvent.SubscriptionEnded;
import dev.obol.domain.payment.PaymentEvent.SubscriptionInvoicePaid;
import dev.obol.domain.payment.PaymentEvent.SubscriptionPaymentFailed;
import dev.obol.domain.payment.PaymentEvent.Unreadable;
import dev.obol.domain.payment.PaymentEvent.Unusable;
import dev.obol.domain.payment.ReceivedEvent;
import dev.obol.domain.usecase.PaymentEventUseCases;
import dev.obol.domain.port.AccountStore.LockMode;
import dev.obol.domain.port.Activity;
import dev.obol.domain.port.PaymentEventParser;
import dev.obol.domain.port.PaymentSession;
import dev.obol.domain.port.PaymentStore;
import dev.obol.domain.port.PaymentStore.Processing;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;

/**
 * Receives provider events: each is stored and processed once (deduplicated on its id) in one transaction with its
 * ledger writes, and handed to the use case of its kind ({@link PurchaseEvents}, {@link SubscriptionEvents},
 * {@link RefundEvents}). Each grant is unique by its provider object (a checkout session or an invoice), so events in
 * any order and number grant exactly once.
 */
public final class PaymentEventService implements PaymentEventUseCases {

  private final PaymentStore store;
  private final PaymentEventParser parser;
  private final PurchaseEvents purchases;
  private final SubscriptionEvents subscriptions;
  private final RefundEvents refunds;
  private final AutoRechargeEvents recharges;
  private final Clock clock;
  private final Activity activity;

  /** @param parser reads stored payloads again when an operator reprocesses an event */
  public PaymentEventService(
      PaymentStore store,
      PaymentEventParser parser,
      PurchaseEvents purchases,
      SubscriptionEvents subscriptions,
      RefundEvents refunds,
      AutoRechargeEvents recharges,
      Clock clock) {
    this(store, parser, purchases, subscriptions, refunds, recharges, clock, Activity.NONE);
  }

  /** @param activity told each first delivery's stored outcome, and its grants, once its transaction committed */
  public PaymentEventService(
      PaymentStore store,
      PaymentEventParser parser,
      PurchaseEvents purchases,
      SubscriptionEvents subscriptions,
      RefundEvents refunds,
      AutoRechargeEvents recharges,
      Clock clock,
      Activity activity) {
    this.activity = activity;
    this.recharges = recharges;
    this.store = store;
    this.parser = parser;
    this.purchases = purchases;
    this.subscriptions = subscriptions;
    this.refunds = refunds;
    this.clock = clock;
  }

  /** The standard use cases, every credit through {@code grants}. */
  public PaymentEventService(PaymentStore store, GrantWriter grants, PaymentEventParser parser, Clock clock) {
    this(store, grants, parser, clock, Activity.NONE);
  }

  /** The standard use cases, every credit through {@code grants}, each first outcome told to {@code activity}. */
  public PaymentEventService(
      PaymentStore store, GrantWriter grants, PaymentEventParser parser, Clock clock, Activity activity) {
    this(
        store,
        parser,
        new PurchaseEvents(grants),
        new SubscriptionEvents(store, new QuotaPolicy(grants), clock, activity),
        new RefundEvents(),
        new AutoRechargeEvents(
            new PurchaseEvents(grants), new AutoRechargeTrigger(grants.ids(), DEFAULT_RECHARGE_BACKOFF)),
        clock,
        activity);
  }

  /** The back-off after a first failed auto-recharge when none is configured. */
  public static final java.time.Duration DEFAULT_RECHARGE_BACKOFF = java.time.Duration.ofHours(1);

  @Override
  public EventResult handle(ReceivedEvent received, PaymentEvent event) {
    Processing processing = processing(received.eventId(), event);
    Optional<EventOutcome> outcome =
        AfterCommit.around(
            activity,
            () -> {
              Optional<EventOutcome> stored =
                  store.processOnce(
                      received,
                      processing.accountId(),
                      processing.mode(),
                      attempted(processing.work()),
                      processing.outcomeWithoutAccount());
              // Empty: a duplicate delivery, neither processed nor told again.
              stored.ifPresent(o -> AfterCommit.record(a -> a.webhookEvent(received.type(), o.code())));
              return stored;
            });
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
    // What a reprocess grants is told (after the commit); the event itself was told at its delivery.
    return AfterCommit.around(
            activity,
            () ->
                store.reprocessOnce(
                    eventId,
                    stored ->
                        stored.outcome().code().reprocessable()
                            ? Optional.of(attempted(processing(stored.eventId(), parser.parse(stored.payload()))))
                            : Optional.empty()))
        .orElseThrow(() -> new NotFoundException("EVENT_NOT_FOUND", "no Stripe event " + eventId + " is stored"));
  }

  @Override
  public int issueDueQuotaPeriods() {
    return subscriptions.issueDueQuotaPeriods();
  }

  /** The work, starting each attempt of its transaction afresh (see {@link AfterCommit#attempt}). */
  private static Function<PaymentSession, EventOutcome> attempted(Function<PaymentSession, EventOutcome> work) {
    return session -> {
      AfterCommit.attempt();
      return work.apply(session);
    };
  }

  private static Processing attempted(Processing processing) {
    return new Processing(
        processing.accountId(), processing.mode(), attempted(processing.work()), processing.outcomeWithoutAccount());
  }

  /** What processing the event does: which account it locks (and may create), and the work under that lock. */
  Processing processing(String eventId, PaymentEvent event) {
    return event.accept(new Dispatch(eventId));
  }

  /** Decided before any account is locked: a refused input creates nothing, not even an empty account. */
  private static Processing refused(EventOutcome outcome) {
    return new Processing(null, LockMode.EXISTING, session -> outcome, outcome);
  }

  /**
   * Work that writes, so it needs the account. Money that arrived is never lost: a paid event creates the account
   * if Obol has not seen it yet ({@link LockMode#CREATE_IF_MISSING}; accounts are created on first use, as by the
   * Grant RPC). Other events only concern accounts that exist.
   */
  private static Processing writing(
      AccountId accountId, LockMode mode, Function<PaymentSession, EventOutcome> work) {
    return onAccount(
        accountId,
        mode,
        session ->
            session.wallet().account().isEmpty()
                ? EventOutcome.ignored("account unknown to Obol")
                : work.apply(session));
  }

  /** Pending and failed purchases write nothing, so they need no account. */
  private static Processing readOnly(AccountId accountId, Function<PaymentSession, EventOutcome> work) {
    return onAccount(accountId, LockMode.EXISTING, work);
  }

  private static Processing onAccount(
      AccountId accountId, LockMode mode, Function<PaymentSession, EventOutcome> work) {
    return new Processing(accountId, mode, work, EventOutcome.ignored("no Obol payment found for this event"));
  }

  /** The dispatch: one method per event type, so the compiler keeps it complete. */
  private final class Dispatch implements PaymentEvent.Handler<Processing> {

    private final String eventId;

    Dispatch(String eventId) {
      this.eventId = eventId;
    }

    @Override
    public Processing onPurchasePaid(PurchasePaid event) {
      Optional<EventOutcome> refusal = purchases.refusal(event);
      if (refusal.isPresent()) {
        return refused(refusal.get());
      }
      EventContext context = context();
      return writing(event.accountId(), LockMode.CREATE_IF_MISSING, s -> purchases.paid(s, event, context));
    }

    @Override
    public Processing onPurchasePending(PurchasePending event) {
      return readOnly(event.accountId(), s -> purchases.pending(s, event));
    }

    @Override
    public Processing onPurchaseFailed(PurchaseFailed event) {
      return readOnly(event.accountId(), s -> purchases.failed(event));
    }

    @Override
    public Processing onSubscriptionCheckoutCompleted(SubscriptionCheckoutCompleted event) {
      EventContext context = context();
      return writing(
          event.accountId(), LockMode.CREATE_IF_MISSING, s -> subscriptions.checkoutCompleted(s, event, context));
    }

    @Override
    public Processing onSubscriptionInvoicePaid(SubscriptionInvoicePaid event) {
      EventContext context = context();
      return writing(
          event.accountId(), LockMode.CREATE_IF_MISSING, s -> subscriptions.invoicePaid(s, event, context));
    }

    @Override
    public Processing onSubscriptionPaymentFailed(SubscriptionPaymentFailed event) {
      EventContext context = context();
      return writing(event.accountId(), LockMode.EXISTING, s -> subscriptions.paymentFailed(s, event, context));
    }

    @Override
    public Processing onSubscriptionEnded(SubscriptionEnded event) {
      EventContext context = context();
      return writing(event.accountId(), LockMode.EXISTING, s -> subscriptions.ended(s, event, context));
    }

    @Override
    public Processing onPaymentReversed(PaymentReversed event) {
      EventContext context = context();
      return writing(
          accountOf(event.accountId(), event.paymentIntentId()),
          LockMode.EXISTING,
          s -> refunds.reversed(s, event, context));
    }

    @Override
    public Processing onDisputeWon(DisputeWon event) {
      EventContext context = context();
      return writing(
          accountOf(event.accountId(), event.paymentIntentId()),
          LockMode.EXISTING,
          s -> refunds.disputeWon(s, event, context));
    }

    @Override
    public Processing onAutoRechargePaid(AutoRechargePaid event) {
      EventContext context = context();
      return writing(event.accountId(), LockMode.CREATE_IF_MISSING, s -> recharges.paid(s, event, context));
    }

    @Override
    public Processing onAutoRechargeFailed(AutoRechargeFailed event) {
      EventContext context = context();
      return writing(event.accountId(), LockMode.EXISTING, s -> recharges.failed(s, event, context));
    }

    @Override
    public Processing onPaymentMethodSaved(PaymentMethodSaved event) {
      EventContext context = context();
      // Named by the signed metadata, the account is created if this arrives before the purchase's own event.
      if (event.accountId() != null) {
        return writing(
            event.accountId(), LockMode.CREATE_IF_MISSING, s -> recharges.paymentMethodSaved(s, event, context));
      }
      // A customer Obol created belongs to an account; the card may be saved before the purchase's own event made
      // the account, so it is created here too. A customer Obol does not know is ignored.
      return writing(
          store.accountOfCustomer(event.customerId()).orElse(null),
          LockMode.CREATE_IF_MISSING,
          s -> recharges.paymentMethodSaved(s, event, context));
    }

    @Override
    public Processing onUnusable(Unusable event) {
      return refused(EventOutcome.ignored(event.why()));
    }

    @Override
    public Processing onUnreadable(Unreadable event) {
      return refused(EventOutcome.unreadable(event.why()));
    }

    @Override
    public Processing onIrrelevant(Irrelevant event) {
      return refused(EventOutcome.ignored("event type not used by Obol"));
    }

    /** Made only for an event that reaches an account: a refused one needs no request id. */
    private EventContext context() {
      return EventContext.ofEvent(eventId, clock);
    }

    /** Refunds and disputes name a payment, not always an account: the stored payment tells whose it is. */
    private AccountId accountOf(AccountId named, String paymentIntentId) {
      if (named != null || paymentIntentId == null) {
        return named;
      }
      return store.accountOfPaymentIntent(paymentIntentId).orElse(null);
    }
  }
}
