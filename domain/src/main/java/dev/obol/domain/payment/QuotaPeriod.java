package dev.obol.domain.payment;

import dev.obol.domain.model.AccountId;
import java.time.Instant;

/**
 * One monthly quota period of a subscription, issued at most once: unique by (account, subscription, start).
 *
 * @param quotaGrantId the period's grant of the plan's tokens
 * @param rolloverGrantId null: nothing carried over
 * @param source the invoice that paid for it, or {@value #SCHEDULED} for the yearly plans' later months
 */
public record QuotaPeriod(
    AccountId accountId,
    String subscriptionId,
    Instant periodStart,
    Instant periodEnd,
    String quotaGrantId,
    String rolloverGrantId,
    String source,
    Instant createdAt) {

  public static final String SCHEDULED = "scheduled";
}
