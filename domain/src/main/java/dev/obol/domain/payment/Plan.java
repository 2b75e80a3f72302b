package dev.obol.domain.payment;

import dev.obol.domain.model.Validate;

/**
 * A subscription plan: billed per {@code interval}, granting {@code monthlyTokens} per monthly period.
 *
 * @param rolloverCap at most this many unused tokens carry into the next period (0: none)
 * @param stripePriceId null: checkout sends the price inline ({@code price_data} with {@code recurring})
 */
public record Plan(
    String name,
    long priceCents,
    String currency,
    BillingInterval interval,
    long monthlyTokens,
    long rolloverCap,
    String stripePriceId) {

  public Plan {
    Validate.id("plan", name);
    Validate.positive("price_amount", priceCents);
    Validate.id("currency", currency);
    Validate.required("interval", interval);
    Validate.positive("monthly_tokens", monthlyTokens);
    if (rolloverCap < 0) {
      throw new IllegalArgumentException("rollover_cap must be 0 or more");
    }
  }

  public PlanTerms terms() {
    return new PlanTerms(name, monthlyTokens, rolloverCap, interval);
  }
}
