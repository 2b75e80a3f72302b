package dev.obol.domain.usecase;

import dev.obol.domain.payment.PaymentKind;
import java.util.List;
import java.util.Map;

/** Sales per period of a window, and the whole window as one period (key ""). Amounts in cents, tokens positive. */
public record SalesSummary(List<Period> periods, Period totals) {

  public SalesSummary {
    periods = List.copyOf(periods);
  }

  /**
   * @param packs per pack name, in name order
   * @param revenue cents per kind, kinds with nothing left out
   * @param averageBasketCents revenue / payments, rounded down; 0 without payments
   * @param topFeatures the most debited features, at most {@link #TOP_FEATURES_MAX}, most debited first
   */
  public record Period(
      String key,
      List<PackSales> packs,
      long topUpCount,
      long newSubscriptions,
      long renewedSubscriptions,
      Map<PaymentKind, Long> revenue,
      long revenueCents,
      long paymentCount,
      long averageBasketCents,
      long refundCount,
      long refundedCents,
      long disputeCount,
      long disputedCents,
      long activeSubscribers,
      long payingAccounts,
      List<FeatureSales> topFeatures) {

    public static final int TOP_FEATURES_MAX = 10;

    public Period {
      packs = List.copyOf(packs);
      revenue = Map.copyOf(revenue);
      topFeatures = List.copyOf(topFeatures);
    }
  }

  public record PackSales(String pack, long count, long revenueCents) {}

  public record FeatureSales(String feature, long debitCount, long debited) {}
}
