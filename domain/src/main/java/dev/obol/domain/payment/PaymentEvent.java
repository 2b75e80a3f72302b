package dev.obol.domain.payment;

import dev.obol.domain.model.AccountId;
import java.time.Instant;

/**
 * A provider event, translated into what it means for Obol. The adapter reads the provider's objects; the domain
 * decides what to grant, link, end or claw back.
 */
public sealed interface PaymentEvent {

  /** The account the event is about; null when only a stored payment can tell (refunds, disputes). */
  AccountId accountId();

  /**
   * Calls the handler's method for this event's type. Java 17 has no pattern matching in switch, so this is how a
   * dispatch over the sealed hierarchy stays complete: a new event type does not compile until it has its own
   * {@link Handler} method, and then every handler has to handle it.
   */
  <R> R accept(Handler<R> handler);

  /** One method per event type: what to do with each. */
  interface Handler<R> {
    R onPurchasePaid(PurchasePaid event);

    R onPurchasePending(PurchasePending event);

    R onPurchaseFailed(PurchaseFailed event);

    R onSubscriptionCheckoutCompleted(SubscriptionCheckoutCompleted event);

    R onSubscriptionInvoicePaid(SubscriptionInvoicePaid event);

    R onSubscriptionPaymentFailed(SubscriptionPaymentFailed event);

    R onSubscriptionEnded(SubscriptionEnded event);

    R onPaymentReversed(PaymentReversed event);

    R onDisputeWon(DisputeWon event);

    R onAutoRechargePaid(AutoRechargePaid event);

    R onAutoRechargeFailed(AutoRechargeFailed event);

    R onPaymentMethodSaved(PaymentMethodSaved event);

    R onUnusable(Unusable event);

    R onUnreadable(Unreadable event);

    R onIrrelevant(Irrelevant event);
  }

  /**
   * A one-time checkout whose money has arrived: grant the pack's tokens or the top-up's cents.
   *
   * @param grantAmount in the unit of the kind's asset: tokens for a pack, EUR cents (the amount paid) for a top-up
   */
  record PurchasePaid(
      AccountId accountId,
      String sessionId,
      String paymentIntentId,
      PaymentKind kind,
      String pack,
      long grantAmount,
      long paidCents,
      String currency)
      implements PaymentEvent {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.onPurchasePaid(this);
    }
  }

  /** A completed checkout whose payment is still pending (e.g. a bank debit): grant nothing yet. */
  record PurchasePending(AccountId accountId, String sessionId) implements PaymentEvent {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.onPurchasePending(this);
    }
  }

  /** The delayed payment of a checkout failed: nothing was granted and nothing will be. */
  record PurchaseFailed(AccountId accountId, String sessionId) implements PaymentEvent {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.onPurchaseFailed(this);
    }
  }

  /** A subscription checkout completed: link the subscription to the account; the invoice grants the quota. */
  record SubscriptionCheckoutCompleted(
      AccountId accountId, String sessionId, String subscriptionId, String customerId, PlanTerms terms)
      implements PaymentEvent {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.onSubscriptionCheckoutCompleted(this);
    }
  }

  /**
   * A paid subscription invoice: starts the quota period(s) it pays for.
   *
   * @param initial the subscription's first invoice (billing_reason subscription_create)
   * @param periodStart the paid service period (the invoice line's period), not the invoice's usage window
   */
  record SubscriptionInvoicePaid(
      AccountId accountId,
      String invoiceId,
      String subscriptionId,
      String customerId,
      PlanTerms terms,
      boolean initial,
      Instant periodStart,
      Instant periodEnd,
      long paidCents)
      implements PaymentEvent {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.onSubscriptionInvoicePaid(this);
    }
  }

  /** A subscription invoice could not be paid: the subscription is past due; no new quota. */
  record SubscriptionPaymentFailed(AccountId accountId, String invoiceId, String subscriptionId, PlanTerms terms)
      implements PaymentEvent {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.onSubscriptionPaymentFailed(this);
    }
  }

  /** The subscription is over: no further quota periods (the current one runs to its end). */
  record SubscriptionEnded(AccountId accountId, String subscriptionId, PlanTerms terms, Instant endedAt)
      implements PaymentEvent {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.onSubscriptionEnded(this);
    }
  }

  /**
   * Money given back: a refund ({@code reversedCents} = the charge's cumulative amount refunded) or a dispute
   * ({@code reversedCents} = the disputed amount).
   *
   * @param accountId from the charge's metadata when present; else found through the payment intent
   * @param reversalId the charge id (refunds) or the dispute id
   */
  record PaymentReversed(
      AccountId accountId, String paymentIntentId, ReversalKind kind, String reversalId, long reversedCents)
      implements PaymentEvent {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.onPaymentReversed(this);
    }
  }

  /**
   * A dispute the merchant won: the disputed money came back, so what its {@link PaymentReversed} took back is given
   * back (to the very grant it came from).
   *
   * @param disputedCents the disputed amount
   */
  record DisputeWon(AccountId accountId, String paymentIntentId, String disputeId, long disputedCents)
      implements PaymentEvent {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.onDisputeWon(this);
    }
  }

  /**
   * An auto-recharge's off-session PaymentIntent succeeded: grant what it bought, once (by the payment intent), and
   * settle the recharge.
   *
   * @param sequence the recharge's sequence number, from the metadata Obol wrote
   * @param grantAmount tokens for a pack, EUR cents (the amount received) for a top-up
   */
  record AutoRechargePaid(
      AccountId accountId,
      String paymentIntentId,
      long sequence,
      PaymentKind kind,
      String pack,
      long grantAmount,
      long paidCents,
      String currency)
      implements PaymentEvent {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.onAutoRechargePaid(this);
    }
  }

  /** An auto-recharge's PaymentIntent failed: nothing was charged; back off, and after 3 in a row turn it off. */
  record AutoRechargeFailed(AccountId accountId, String paymentIntentId, long sequence, String reason)
      implements PaymentEvent {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.onAutoRechargeFailed(this);
    }
  }

  /**
   * A payment method the customer saved for later off-session charges (a checkout with
   * {@code setup_future_usage=off_session}, or one attached to the account's customer).
   *
   * @param accountId null when only the customer names the account (a payment method attached to it)
   */
  record PaymentMethodSaved(AccountId accountId, String customerId, String paymentMethodId)
      implements PaymentEvent {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.onPaymentMethodSaved(this);
    }
  }

  /** An event Obol uses, but not this one (e.g. no Obol metadata, or a mode it does not sell): recorded, ignored. */
  record Unusable(String why) implements PaymentEvent {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.onUnusable(this);
    }

    @Override
    public AccountId accountId() {
      return null;
    }
  }

  /**
   * A signed event whose payload cannot be read (a missing id, type or object, a field of the wrong type): stored as
   * {@link EventOutcome.Code#UNREADABLE}, nothing written.
   *
   * @param why which part could not be read, e.g. "data.object.amount_total is not a number"
   */
  record Unreadable(String why) implements PaymentEvent {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.onUnreadable(this);
    }

    @Override
    public AccountId accountId() {
      return null;
    }
  }

  /** A type Obol does not use. */
  record Irrelevant() implements PaymentEvent {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.onIrrelevant(this);
    }

    @Override
    public AccountId accountId() {
      return null;
    }
  }

  enum ReversalKind {
    REFUND,
    DISPUTE
  }
}
