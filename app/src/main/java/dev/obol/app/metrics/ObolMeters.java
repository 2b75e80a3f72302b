package dev.obol.app.metrics;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.DenialReason;
import dev.obol.domain.model.FeatureCatalog;
import dev.obol.domain.model.FeaturePrice;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.payment.EventOutcome;
import dev.obol.domain.port.Activity;
import dev.obol.domain.usecase.ChargeOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Obol's business counters (issue 11's fixed names and labels; dashboards depend on them). Every label value comes
 * from a bounded set, so a caller cannot make series without limit: features outside the catalogue count as
 * {@code other}, webhook types Obol does not read as {@code other}.
 */
public final class ObolMeters implements Activity {

  static final String OTHER = "other";

  /**
   * The Stripe event types Obol reads (StripeEventTranslator's, which keeps its set private); a type added there and
   * not here counts as {@code other} until it is added.
   */
  static final Set<String> WEBHOOK_TYPES =
      Set.of(
          "checkout.session.completed",
          "checkout.session.async_payment_succeeded",
          "checkout.session.async_payment_failed",
          "invoice.paid",
          "invoice.payment_succeeded",
          "invoice.payment_failed",
          "customer.subscription.deleted",
          "charge.refunded",
          "charge.dispute.created",
          "charge.dispute.closed");

  private final MeterRegistry registry;
  private final Set<String> features;

  public ObolMeters(MeterRegistry registry, FeatureCatalog catalog) {
    this.registry = registry;
    this.features = catalog.features().stream().map(FeaturePrice::feature).collect(Collectors.toUnmodifiableSet());
    // The charge outcomes are few and rare: present from the start, so a dashboard shows 0 rather than no data.
    for (String outcome : new String[] {"charged", "insufficient_funds", "skipped", "errored"}) {
      monthlyCharges(outcome);
    }
  }

  @Override
  public void debited(
      AccountId accountId, Asset asset, String feature, long cost, long balanceAfter, String requestId,
      String debitId) {
    debits(asset, feature, "allowed").increment();
    Counter.builder("obol.debited.amount")
        .description("Amount taken by allowed debits, in the asset's unit")
        .tag("asset", asset(asset))
        .register(registry)
        .increment(cost);
  }

  @Override
  public void debitDenied(
      AccountId accountId, Asset asset, String feature, long cost, DenialReason reason, String requestId) {
    debits(asset, feature, reason.name().toLowerCase(Locale.ROOT)).increment();
  }

  @Override
  public void granted(
      AccountId accountId, Asset asset, GrantSource source, long amount, String reason, String grantId,
      String requestId) {
    String sourceLabel = source.name().toLowerCase(Locale.ROOT);
    Counter.builder("obol.grants")
        .description("Grants (credits) written")
        .tag("asset", asset(asset))
        .tag("source", sourceLabel)
        .register(registry)
        .increment();
    Counter.builder("obol.granted.amount")
        .description("Amount granted, in the asset's unit")
        .tag("asset", asset(asset))
        .tag("source", sourceLabel)
        .register(registry)
        .increment(amount);
  }

  @Override
  public void reversed(AccountId accountId, Asset asset, long amount, String debitId, String requestId) {
    Counter.builder("obol.reversals")
        .description("Debit reversals written")
        .tag("asset", asset(asset))
        .register(registry)
        .increment();
  }

  @Override
  public void monthlyCharge(AccountId accountId, ChargeOutcome.Kind outcome) {
    monthlyCharges(
            switch (outcome) {
              case CHARGED -> "charged";
              case FAILED -> "insufficient_funds";
              case ALREADY_CHARGED, NO_FEE -> "skipped";
            })
        .increment();
  }

  @Override
  public void monthlyChargeErrored(AccountId accountId) {
    monthlyCharges("errored").increment();
  }

  @Override
  public void webhookEvent(String type, EventOutcome.Code outcome) {
    Counter.builder("obol.webhook.events")
        .description("Provider events processed for the first time, by type and stored outcome")
        .tag("type", type != null && WEBHOOK_TYPES.contains(type) ? type : OTHER)
        .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
        .register(registry)
        .increment();
  }

  /** A gRPC call refused by the AuthInterceptor; the reason is one of its fixed codes (e.g. API_KEY_INVALID). */
  public void authRefused(String reason) {
    Counter.builder("obol.auth.refusals")
        .description("gRPC calls refused for their credential, scope or account")
        .tag("reason", reason == null ? OTHER : reason)
        .register(registry)
        .increment();
  }

  private Counter debits(Asset asset, String feature, String outcome) {
    return Counter.builder("obol.debits")
        .description("CheckAndDebit outcomes (replays not counted)")
        .tag("asset", asset(asset))
        .tag("feature", feature != null && features.contains(feature) ? feature : OTHER)
        .tag("outcome", outcome)
        .register(registry);
  }

  private Counter monthlyCharges(String outcome) {
    return Counter.builder("obol.monthly.charges")
        .description("Accounts' outcomes of monthly seat-fee charge runs")
        .tag("outcome", outcome)
        .register(registry);
  }

  private static String asset(Asset asset) {
    return asset.name().toLowerCase(Locale.ROOT);
  }
}
