package dev.obol.domain.port;

import dev.obol.domain.model.UsageGrouping;
import dev.obol.domain.payment.PaymentKind;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Aggregates over every account for the sales summary, read outside any account lock. Each method answers per period
 * key of {@code grouping} (UTC "2026-12-03" or "2026-12"), or, with a null grouping, for the whole window under the
 * key "" (the service asks so only for the distinct counts, which do not add up over periods).
 */
public interface SalesReader {

  /**
   * Payments made in the window, per period, kind and label: the pack's name for a pack, {@link #NEW_SUBSCRIPTION} or
   * {@link #RENEWED_SUBSCRIPTION} for an invoice, null for a top-up.
   */
  List<PaymentGroup> payments(Instant from, Instant to, UsageGrouping grouping);

  /** Distinct accounts that paid, per period. */
  Map<String, Long> payingAccounts(Instant from, Instant to, UsageGrouping grouping);

  /** Refunds and disputes Obol received in the window for its payments, per period. */
  List<ReversalGroup> reversals(Instant from, Instant to, UsageGrouping grouping);

  /** Distinct accounts whose subscription was paid for some time of the period, for every period of the window. */
  Map<String, Long> activeSubscribers(Instant from, Instant to, UsageGrouping grouping);

  /** Debits (and captures) in the window per period and feature ("" for a direct amount). */
  List<FeatureGroup> features(Instant from, Instant to, UsageGrouping grouping);

  String NEW_SUBSCRIPTION = "new";
  String RENEWED_SUBSCRIPTION = "renewed";

  record PaymentGroup(String key, PaymentKind kind, String label, long count, long paidCents) {}

  record ReversalGroup(String key, boolean dispute, long count, long cents) {}

  record FeatureGroup(String key, String feature, long debitCount, long debited) {}
}
