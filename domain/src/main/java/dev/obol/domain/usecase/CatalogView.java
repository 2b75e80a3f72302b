package dev.obol.domain.usecase;

import dev.obol.domain.model.FeaturePrice;
import dev.obol.domain.payment.BonusRule;
import dev.obol.domain.payment.Pack;
import dev.obol.domain.payment.Plan;
import java.util.List;

/** Everything a client can buy or spend on, with prices (cents, tokens). */
public record CatalogView(
    List<Pack> packs,
    List<Plan> plans,
    List<FeaturePrice> features,
    long topUpMinCents,
    long topUpMaxCents,
    List<BonusRule> bonuses) {

  public CatalogView(
      List<Pack> packs, List<Plan> plans, List<FeaturePrice> features, long topUpMinCents, long topUpMaxCents) {
    this(packs, plans, features, topUpMinCents, topUpMaxCents, List.of());
  }
}
