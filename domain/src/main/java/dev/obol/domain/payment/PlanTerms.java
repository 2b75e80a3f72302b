package dev.obol.domain.payment;

/**
 * What a subscription was sold with, as recorded in its Stripe metadata at sale time: the webhook grants these terms
 * even if the catalog has changed since.
 */
public record PlanTerms(String plan, long monthlyTokens, long rolloverCap, BillingInterval interval) {

  public PlanTerms {
    if (plan == null || plan.isEmpty() || monthlyTokens <= 0 || rolloverCap < 0 || interval == null) {
      throw new IllegalArgumentException("incomplete plan terms: " + plan + "/" + monthlyTokens + "/" + interval);
    }
  }
}
