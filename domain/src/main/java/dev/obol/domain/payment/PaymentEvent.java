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
   * A one-time checkout whose money has arrived: grant the pack's tokens or the top-up's cents.
   *
   * @param grantAmount tokens for a pack, cents (the amount paid) for a top-up
   * @param paidAmount cents
   */
  record PurchasePaid(
      AccountId accountId,
      String sessionId,
      String paymentIntentId,
      PaymentKind kind,
      String pack,
      long grantAmount,
      long paidAmount,
      String currency)
      implements PaymentEvent {}

  /** A completed checkout whose payment is still pending (e.g. a bank debit): grant nothing yet. */
  record PurchasePending(AccountId accountId, String sessionId) implements PaymentEvent {}

  /** The delayed payment of a checkout failed: nothing was granted and nothing will be. */
  record PurchaseFailed(AccountId accountId, String sessionId) implements PaymentEvent {}

  /** A subscription checkout completed: link the subscription to the account; the invoice grants the quota. */
  record SubscriptionCheckoutCompleted(
      AccountId accountId, String sessionId, String subscriptionId, String customerId, PlanTerms terms)
      implements PaymentEvent {}

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
      long paidAmount)
      implements PaymentEvent {}

  /** A subscription invoice could not be paid: the subscription is past due; no new quota. */
  record SubscriptionPaymentFailed(AccountId accountId, String invoiceId, String subscriptionId, PlanTerms terms)
      implements PaymentEvent {}

  /** The subscription is over: no further quota periods (the current one runs to its end). */
  record SubscriptionEnded(AccountId accountId, String subscriptionId, PlanTerms terms, Instant endedAt)
      implements PaymentEvent {}

  /**
   * Money given back: a refund ({@code reversedAmount} = the charge's cumulative amount refunded) or a dispute
   * ({@code reversedAmount} = the disputed amount).
   *
   * @param accountId from the charge's metadata when present; else found through the payment intent
   * @param reversalId the charge id (refunds) or the dispute id
   */
  record PaymentReversed(
      AccountId accountId, String paymentIntentId, ReversalKind kind, String reversalId, long reversedAmount)
      implements PaymentEvent {}

  /**
   * A dispute the merchant won: the disputed money came back, so what its {@link PaymentReversed} took back is given
   * back (to the very grant it came from).
   *
   * @param amount the disputed amount, cents
   */
  record DisputeWon(AccountId accountId, String paymentIntentId, String disputeId, long amount)
      implements PaymentEvent {}

  /** An event Obol uses, but not this one (e.g. no Obol metadata, or a mode it does not sell): recorded, ignored. */
  record Unusable(String why) implements PaymentEvent {
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
    public AccountId accountId() {
      return null;
    }
  }

  /** A type Obol does not use. */
  record Irrelevant() implements PaymentEvent {
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
