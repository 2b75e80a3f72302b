package dev.obol.domain.payment;

import dev.obol.domain.model.AccountId;
import java.time.Instant;

/**
 * A provider subscription linked to an account, with the terms it was sold with.
 *
 * @param customerId null until an event names it
 * @param paidFrom the start of the latest paid billing period (null before the first paid invoice)
 * @param paidUntil its end
 * @param nextPeriodAt when the scheduler must issue the next monthly quota period (yearly plans); null: nothing due
 */
public record Subscription(
    AccountId accountId,
    String subscriptionId,
    String customerId,
    PlanTerms terms,
    SubscriptionStatus status,
    Instant paidFrom,
    Instant paidUntil,
    Instant nextPeriodAt,
    Instant updatedAt) {

  public static Subscription linked(AccountId accountId, String subscriptionId, String customerId, PlanTerms terms,
      Instant now) {
    return new Subscription(
        accountId, subscriptionId, customerId, terms, SubscriptionStatus.ACTIVE, null, null, null, now);
  }

  public Subscription withCustomer(String newCustomerId, Instant now) {
    String customer = newCustomerId != null ? newCustomerId : customerId;
    return new Subscription(
        accountId, subscriptionId, customer, terms, status, paidFrom, paidUntil, nextPeriodAt, now);
  }

  public Subscription withStatus(SubscriptionStatus newStatus, Instant now) {
    // An ended subscription stays ended: a late "paid" or "failed" event does not revive it.
    SubscriptionStatus next = status == SubscriptionStatus.ENDED ? status : newStatus;
    Instant keptNextPeriodAt = next == SubscriptionStatus.ENDED ? null : nextPeriodAt;
    return new Subscription(
        accountId, subscriptionId, customerId, terms, next, paidFrom, paidUntil, keptNextPeriodAt, now);
  }

  public Subscription withPaidPeriod(Instant from, Instant until, Instant newNextPeriodAt, Instant now) {
    Instant next = status == SubscriptionStatus.ENDED ? null : newNextPeriodAt;
    return new Subscription(accountId, subscriptionId, customerId, terms, status, from, until, next, now);
  }

  public Subscription withNextPeriodAt(Instant newNextPeriodAt, Instant now) {
    return new Subscription(
        accountId, subscriptionId, customerId, terms, status, paidFrom, paidUntil, newNextPeriodAt, now);
  }
}
