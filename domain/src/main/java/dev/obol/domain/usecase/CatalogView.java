package dev.obol.domain.usecase;

import dev.obol.domain.model.FeaturePrice;
import dev.obol.domain.payment.Pack;
import dev.obol.domain.payment.Plan;
import java.util.List;

/** Everything a client can buy or spend on, with prices (cents, tokens). */
public record CatalogView(
    List<Pack> packs, List<Plan> plans, List<FeaturePrice> features, long topUpMinCents, long topUpMaxCents) {}
