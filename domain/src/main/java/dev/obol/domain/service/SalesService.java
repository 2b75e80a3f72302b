package dev.obol.domain.service;

import dev.obol.domain.payment.PaymentKind;
import dev.obol.domain.port.SalesReader;
import dev.obol.domain.port.SalesReader.FeatureGroup;
import dev.obol.domain.port.SalesReader.PaymentGroup;
import dev.obol.domain.port.SalesReader.ReversalGroup;
import dev.obol.domain.usecase.SalesQuery;
import dev.obol.domain.usecase.SalesSummary;
import dev.obol.domain.usecase.SalesSummary.FeatureSales;
import dev.obol.domain.usecase.SalesSummary.PackSales;
import dev.obol.domain.usecase.SalesSummary.Period;
import dev.obol.domain.usecase.SalesUseCases;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The sales summary, folded from the reader's aggregates: per period of the window, and the window as a whole, whose
 * counts and sums are the periods' added up and whose distinct counts are read for the whole window.
 */
public final class SalesService implements SalesUseCases {

  private final SalesReader reader;

  public SalesService(SalesReader reader) {
    this.reader = reader;
  }

  @Override
  public SalesSummary salesSummary(SalesQuery query) {
    Instant from = query.from();
    Instant to = query.to();
    List<PaymentGroup> payments = reader.payments(from, to, query.groupBy());
    List<ReversalGroup> reversals = reader.reversals(from, to, query.groupBy());
    List<FeatureGroup> features = reader.features(from, to, query.groupBy());
    Map<String, Long> paying = reader.payingAccounts(from, to, query.groupBy());
    Map<String, Long> subscribers = reader.activeSubscribers(from, to, query.groupBy());
    TreeSet<String> keys = new TreeSet<>();
    payments.forEach(p -> keys.add(p.key()));
    reversals.forEach(r -> keys.add(r.key()));
    features.forEach(f -> keys.add(f.key()));
    List<Period> periods = new ArrayList<>();
    for (String key : keys) {
      periods.add(
          period(
              key,
              payments.stream().filter(p -> p.key().equals(key)).toList(),
              reversals.stream().filter(r -> r.key().equals(key)).toList(),
              features.stream().filter(f -> f.key().equals(key)).toList(),
              paying.getOrDefault(key, 0L),
              subscribers.getOrDefault(key, 0L)));
    }
    // Counts and sums add up over the periods; only the distinct counts are read again for the whole window.
    Period totals =
        period(
            "",
            payments,
            reversals,
            features,
            reader.payingAccounts(from, to, null).getOrDefault("", 0L),
            reader.activeSubscribers(from, to, null).getOrDefault("", 0L));
    return new SalesSummary(periods, totals);
  }

  static Period period(
      String key,
      List<PaymentGroup> payments,
      List<ReversalGroup> reversals,
      List<FeatureGroup> features,
      long payingAccounts,
      long activeSubscribers) {
    Map<String, long[]> packs = new TreeMap<>();
    Map<PaymentKind, Long> revenue = new EnumMap<>(PaymentKind.class);
    long topUps = 0;
    long newSubscriptions = 0;
    long renewed = 0;
    long revenueCents = 0;
    long paymentCount = 0;
    for (PaymentGroup group : payments) {
      revenue.merge(group.kind(), group.paidCents(), Math::addExact);
      revenueCents = Math.addExact(revenueCents, group.paidCents());
      paymentCount = Math.addExact(paymentCount, group.count());
      switch (group.kind()) {
        case TOKEN_PACK -> {
          long[] pack = packs.computeIfAbsent(group.label() == null ? "" : group.label(), k -> new long[2]);
          pack[0] = Math.addExact(pack[0], group.count());
          pack[1] = Math.addExact(pack[1], group.paidCents());
        }
        case TOP_UP -> topUps = Math.addExact(topUps, group.count());
        case SUBSCRIPTION_INVOICE -> {
          if (SalesReader.NEW_SUBSCRIPTION.equals(group.label())) {
            newSubscriptions = Math.addExact(newSubscriptions, group.count());
          } else {
            renewed = Math.addExact(renewed, group.count());
          }
        }
      }
    }
    revenue.values().removeIf(cents -> cents == 0);
    long refunds = 0;
    long refunded = 0;
    long disputes = 0;
    long disputed = 0;
    for (ReversalGroup group : reversals) {
      if (group.dispute()) {
        disputes = Math.addExact(disputes, group.count());
        disputed = Math.addExact(disputed, group.cents());
      } else {
        refunds = Math.addExact(refunds, group.count());
        refunded = Math.addExact(refunded, group.cents());
      }
    }
    List<PackSales> packSales = new ArrayList<>();
    packs.forEach((name, sums) -> packSales.add(new PackSales(name, sums[0], sums[1])));
    Map<String, long[]> byFeature = new TreeMap<>();
    for (FeatureGroup group : features) {
      long[] sum = byFeature.computeIfAbsent(group.feature(), k -> new long[2]);
      sum[0] = Math.addExact(sum[0], group.debitCount());
      sum[1] = Math.addExact(sum[1], group.debited());
    }
    List<FeatureSales> top =
        byFeature.entrySet().stream()
            .map(e -> new FeatureSales(e.getKey(), e.getValue()[0], e.getValue()[1]))
            .sorted(Comparator.comparingLong(FeatureSales::debited).reversed().thenComparing(FeatureSales::feature))
            .limit(Period.TOP_FEATURES_MAX)
            .toList();
    return new Period(
        key,
        packSales,
        topUps,
        newSubscriptions,
        renewed,
        revenue,
        revenueCents,
        paymentCount,
        paymentCount == 0 ? 0 : revenueCents / paymentCount,
        refunds,
        refunded,
        disputes,
        disputed,
        activeSubscribers,
        payingAccounts,
        top);
  }

}
